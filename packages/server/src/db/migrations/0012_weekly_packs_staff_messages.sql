CREATE TABLE "staff_messages" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"status" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"send_after" timestamp with time zone,
	"provider" text,
	"provider_ref" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_messages_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "staff_messages_dedupe_uq" UNIQUE("org_id","dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "weekly_packs" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"as_of" date NOT NULL,
	"created_by" text NOT NULL,
	"runs" integer NOT NULL,
	"pack" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weekly_packs_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "weekly_packs_week_uq" UNIQUE("org_id","week_start")
);
--> statement-breakpoint
ALTER TABLE "specialties" ADD COLUMN "directorate" text;--> statement-breakpoint
CREATE INDEX "staff_messages_staff_idx" ON "staff_messages" USING btree ("org_id","staff_id","created_at");--> statement-breakpoint
CREATE INDEX "staff_messages_due_idx" ON "staff_messages" USING btree ("send_after") WHERE status in ('queued', 'temporary-failure');