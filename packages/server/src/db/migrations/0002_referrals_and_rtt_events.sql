CREATE TABLE "referral_imports" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"rows" integer NOT NULL,
	"outcome" text NOT NULL,
	"problems" integer NOT NULL,
	"imported_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_imports_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"source" text NOT NULL,
	"ubrn" text,
	"ers_conversion_date" date,
	"asi_worklist_date" date,
	"received_date" date NOT NULL,
	"original_clock_start" date,
	"specialty_code" text NOT NULL,
	"priority" text NOT NULL,
	"referrer_name" text,
	"referrer_org_code" text,
	"clock_start" date NOT NULL,
	"clock_start_rule" text NOT NULL,
	"triage_kind" text NOT NULL,
	"triage_priority" text,
	"triage_clinic_type" text,
	"triage_reason" text,
	"triage_note" text,
	"triaged_by" text,
	"triaged_at" timestamp with time zone,
	"pathway_id" uuid,
	"import_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referrals_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "rtt_events" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"event_date" date NOT NULL,
	"seq" integer NOT NULL,
	"code" text NOT NULL,
	"appointment_communicated" boolean,
	"clinician_decision" boolean,
	"dna_date" date,
	"origin" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"note" text,
	CONSTRAINT "rtt_events_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "rtt_events_order_uq" UNIQUE("org_id","pathway_id","event_date","seq")
);
--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "referral_id" uuid;--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "clinic_type" text;--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "rtt_running" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "rtt_period_start" date;--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "last_validated_on" date;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_org_id_specialty_code_specialties_org_id_code_fk" FOREIGN KEY ("org_id","specialty_code") REFERENCES "public"."specialties"("org_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rtt_events" ADD CONSTRAINT "rtt_events_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_ubrn_uq" ON "referrals" USING btree ("org_id","ubrn") WHERE ubrn is not null;--> statement-breakpoint
CREATE INDEX "referrals_duplicate_idx" ON "referrals" USING btree ("org_id","patient_id","specialty_code","received_date");--> statement-breakpoint
CREATE INDEX "pathways_ptl_idx" ON "pathways" USING btree ("org_id","specialty_code","rtt_period_start") WHERE status = 'open' and rtt_running;--> statement-breakpoint
CREATE INDEX "pathways_ptl_all_idx" ON "pathways" USING btree ("org_id","rtt_period_start") WHERE status = 'open' and rtt_running;--> statement-breakpoint
-- Pathways loaded before the RTT projection existed: an open pathway's clock has run since its clock start.
UPDATE "pathways" SET "rtt_running" = ("status" = 'open'), "rtt_period_start" = CASE WHEN "status" = 'open' THEN "clock_start_date" END;
