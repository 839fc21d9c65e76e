CREATE TABLE "access_policy_versions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"effective_from" date NOT NULL,
	"settings" jsonb NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_policy_versions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "access_policy_versions_from_uq" UNIQUE("org_id","effective_from")
);
--> statement-breakpoint
CREATE TABLE "communication_templates" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"format" text NOT NULL,
	"version" integer NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"notify_template_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "communication_templates_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "communication_templates_version_uq" UNIQUE("org_id","kind","channel","format","version")
);
--> statement-breakpoint
CREATE TABLE "partial_bookings" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"specialty_code" text NOT NULL,
	"due_date" date NOT NULL,
	"latest_date" date,
	"invite_on" date NOT NULL,
	"invited_on" date,
	"reply_by" date,
	"reminded_on" date,
	"replied_on" date,
	"status" text NOT NULL,
	"follow_up_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partial_bookings_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "pifu_plans" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"starts_on" date NOT NULL,
	"months" integer,
	"ends_on" date,
	"status" text NOT NULL,
	"last_request_on" date,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pifu_plans_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "print_batches" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"for_date" date NOT NULL,
	"status" text NOT NULL,
	"letter_count" integer NOT NULL,
	"pdf_file" text NOT NULL,
	"manifest_file" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"collected_by" text,
	"collected_at" timestamp with time zone,
	CONSTRAINT "print_batches_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "short_notice_candidates" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"offer_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"offered_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	"task_id" uuid,
	CONSTRAINT "short_notice_candidates_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "short_notice_candidates_rank_uq" UNIQUE("org_id","offer_id","rank")
);
--> statement-breakpoint
CREATE TABLE "short_notice_offers" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"status" text NOT NULL,
	"appointment_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "short_notice_offers_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "support_requests" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"appointment_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"language" text,
	"starts_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"reference" text,
	"task_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "support_requests_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "support_requests_status_ck" CHECK (status in ('needed', 'booked', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"action" text NOT NULL,
	"actor_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"detail" jsonb,
	CONSTRAINT "task_events_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"priority" text NOT NULL,
	"team" text NOT NULL,
	"role" text NOT NULL,
	"owner_id" uuid,
	"due_date" date NOT NULL,
	"patient_id" uuid,
	"pathway_id" uuid,
	"appointment_id" uuid,
	"detail" jsonb,
	"dedupe_key" text,
	"outcome" text,
	"outcome_note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_by" text,
	"completed_at" timestamp with time zone,
	CONSTRAINT "tasks_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "tasks_dedupe_uq" UNIQUE("org_id","dedupe_key"),
	CONSTRAINT "tasks_status_ck" CHECK (status in ('open', 'in-progress', 'done', 'cancelled')),
	CONSTRAINT "tasks_priority_ck" CHECK (priority in ('urgent', 'high', 'routine'))
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "provider_move" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "recipient" text DEFAULT 'patient' NOT NULL;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "format" text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "send_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "template_id" uuid;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "template_version" integer;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "rendered_subject" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "rendered_body" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "provider_ref" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "letter_file" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "print_batch_id" uuid;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "status_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "vulnerabilities" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "short_notice" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "teams" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "partial_bookings" ADD CONSTRAINT "partial_bookings_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pifu_plans" ADD CONSTRAINT "pifu_plans_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "short_notice_candidates" ADD CONSTRAINT "short_notice_candidates_org_id_offer_id_short_notice_offers_org_id_id_fk" FOREIGN KEY ("org_id","offer_id") REFERENCES "public"."short_notice_offers"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_org_id_task_id_tasks_org_id_id_fk" FOREIGN KEY ("org_id","task_id") REFERENCES "public"."tasks"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "partial_bookings_status_idx" ON "partial_bookings" USING btree ("org_id","specialty_code","status","due_date");--> statement-breakpoint
CREATE INDEX "pifu_plans_pathway_idx" ON "pifu_plans" USING btree ("org_id","pathway_id");--> statement-breakpoint
CREATE INDEX "print_batches_date_idx" ON "print_batches" USING btree ("org_id","for_date");--> statement-breakpoint
CREATE INDEX "short_notice_offers_slot_idx" ON "short_notice_offers" USING btree ("org_id","slot_id");--> statement-breakpoint
CREATE INDEX "support_requests_appointment_idx" ON "support_requests" USING btree ("org_id","appointment_id");--> statement-breakpoint
CREATE INDEX "task_events_task_idx" ON "task_events" USING btree ("org_id","task_id","at");--> statement-breakpoint
CREATE INDEX "tasks_queue_idx" ON "tasks" USING btree ("org_id","team","role","due_date") WHERE status in ('open', 'in-progress');--> statement-breakpoint
CREATE INDEX "tasks_owner_idx" ON "tasks" USING btree ("org_id","owner_id","due_date") WHERE status in ('open', 'in-progress');--> statement-breakpoint
CREATE INDEX "tasks_pathway_idx" ON "tasks" USING btree ("org_id","pathway_id");--> statement-breakpoint
CREATE INDEX "tasks_appointment_idx" ON "tasks" USING btree ("org_id","appointment_id");--> statement-breakpoint
CREATE INDEX "communications_due_idx" ON "communications" USING btree ("send_after") WHERE status in ('queued', 'temporary-failure');--> statement-breakpoint
CREATE INDEX "communications_appointment_idx" ON "communications" USING btree ("org_id","appointment_id");--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_dedupe_uq" UNIQUE("org_id","dedupe_key");