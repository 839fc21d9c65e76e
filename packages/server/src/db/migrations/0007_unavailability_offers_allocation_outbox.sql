CREATE TABLE "allocation_plans" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"specialty_code" text NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"status" text NOT NULL,
	"summary" jsonb NOT NULL,
	"assignments" jsonb NOT NULL,
	"unassigned" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	CONSTRAINT "allocation_plans_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "communications" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"pathway_id" uuid,
	"appointment_id" uuid,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"detail" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "communications_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "declined_offers" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"slot_id" uuid,
	"offered_for" date NOT NULL,
	"offered_on" date NOT NULL,
	"notice_days" integer NOT NULL,
	"reasonable_offer" boolean NOT NULL,
	"reason" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "declined_offers_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "patient_unavailability" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"reason" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"removed_by" text,
	"removed_at" timestamp with time zone,
	CONSTRAINT "patient_unavailability_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "patient_unavailability_dates_ck" CHECK (to_date >= from_date)
);
--> statement-breakpoint
ALTER TABLE "clinic_change_requests" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "declined_offers" ADD CONSTRAINT "declined_offers_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_unavailability" ADD CONSTRAINT "patient_unavailability_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocation_plans_specialty_idx" ON "allocation_plans" USING btree ("org_id","specialty_code","created_at");--> statement-breakpoint
CREATE INDEX "communications_queued_idx" ON "communications" USING btree ("org_id","created_at") WHERE status = 'queued';--> statement-breakpoint
CREATE INDEX "communications_patient_idx" ON "communications" USING btree ("org_id","patient_id");--> statement-breakpoint
CREATE INDEX "declined_offers_pathway_idx" ON "declined_offers" USING btree ("org_id","pathway_id");--> statement-breakpoint
CREATE INDEX "patient_unavailability_patient_idx" ON "patient_unavailability" USING btree ("org_id","patient_id","to_date");