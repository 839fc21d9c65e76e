CREATE TABLE "scheduled_jobs" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "scheduled_jobs_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "scheduled_jobs_dedupe_uq" UNIQUE("org_id","dedupe_key"),
	CONSTRAINT "scheduled_jobs_status_ck" CHECK (status in ('pending', 'done', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX "scheduled_jobs_due_idx" ON "scheduled_jobs" USING btree ("due_at") WHERE status = 'pending';