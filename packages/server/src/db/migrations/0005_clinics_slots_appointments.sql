CREATE TABLE "appointments" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"slot_type" text NOT NULL,
	"status" text NOT NULL,
	"offered_on" date NOT NULL,
	"notice_days" integer NOT NULL,
	"reasonable_offer" boolean NOT NULL,
	"out_of_turn_reason" text,
	"replaces_id" uuid,
	"cancelled_by" text,
	"cancel_reason" text,
	"cancelled_at" timestamp with time zone,
	"outcome" text,
	"outcome_detail" jsonb,
	"booked_by" text NOT NULL,
	"booked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "appointments_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "clinic_change_requests" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"version" integer,
	"session_date" date,
	"first_affected_date" date NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	CONSTRAINT "clinic_change_requests_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "clinic_template_versions" (
	"org_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"recurrence" jsonb NOT NULL,
	"sessions" jsonb NOT NULL,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clinic_template_versions_org_id_template_id_version_pk" PRIMARY KEY("org_id","template_id","version")
);
--> statement-breakpoint
CREATE TABLE "clinic_templates" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"clinician_id" uuid,
	"service_name" text,
	"location_id" uuid NOT NULL,
	"specialty_code" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clinic_templates_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"org_id" uuid NOT NULL,
	"actor_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_org_id_actor_id_key_pk" PRIMARY KEY("org_id","actor_id","key")
);
--> statement-breakpoint
CREATE TABLE "slot_holds" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slot_holds_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "slots" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"key" text NOT NULL,
	"session_date" date NOT NULL,
	"session_index" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"slot_type" text NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"specialty_code" text NOT NULL,
	"clinician_id" uuid,
	"location_id" uuid NOT NULL,
	CONSTRAINT "slots_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "slots_key_uq" UNIQUE("org_id","key"),
	CONSTRAINT "slots_capacity_ck" CHECK (capacity >= 1 and booked >= 0 and held >= 0 and booked + held <= capacity)
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_org_id_slot_id_slots_org_id_id_fk" FOREIGN KEY ("org_id","slot_id") REFERENCES "public"."slots"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_change_requests" ADD CONSTRAINT "clinic_change_requests_org_id_template_id_clinic_templates_org_id_id_fk" FOREIGN KEY ("org_id","template_id") REFERENCES "public"."clinic_templates"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_template_versions" ADD CONSTRAINT "clinic_template_versions_org_id_template_id_clinic_templates_org_id_id_fk" FOREIGN KEY ("org_id","template_id") REFERENCES "public"."clinic_templates"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_templates" ADD CONSTRAINT "clinic_templates_org_id_clinician_id_clinicians_org_id_id_fk" FOREIGN KEY ("org_id","clinician_id") REFERENCES "public"."clinicians"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_templates" ADD CONSTRAINT "clinic_templates_org_id_location_id_locations_org_id_id_fk" FOREIGN KEY ("org_id","location_id") REFERENCES "public"."locations"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_templates" ADD CONSTRAINT "clinic_templates_org_id_specialty_code_specialties_org_id_code_fk" FOREIGN KEY ("org_id","specialty_code") REFERENCES "public"."specialties"("org_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_holds" ADD CONSTRAINT "slot_holds_org_id_slot_id_slots_org_id_id_fk" FOREIGN KEY ("org_id","slot_id") REFERENCES "public"."slots"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slots" ADD CONSTRAINT "slots_org_id_template_id_clinic_templates_org_id_id_fk" FOREIGN KEY ("org_id","template_id") REFERENCES "public"."clinic_templates"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appointments_slot_idx" ON "appointments" USING btree ("org_id","slot_id");--> statement-breakpoint
CREATE INDEX "appointments_patient_idx" ON "appointments" USING btree ("org_id","patient_id","starts_at");--> statement-breakpoint
CREATE INDEX "appointments_pathway_idx" ON "appointments" USING btree ("org_id","pathway_id");--> statement-breakpoint
CREATE INDEX "slot_holds_slot_idx" ON "slot_holds" USING btree ("org_id","slot_id");--> statement-breakpoint
CREATE INDEX "slots_free_idx" ON "slots" USING btree ("org_id","specialty_code","starts_at") WHERE status = 'open' and booked + held < capacity;--> statement-breakpoint
CREATE INDEX "slots_template_idx" ON "slots" USING btree ("org_id","template_id","session_date");