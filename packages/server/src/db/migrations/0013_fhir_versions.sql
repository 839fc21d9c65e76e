ALTER TABLE "appointments" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "clinic_templates" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clinic_templates" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "clinicians" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clinicians" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "pifu_plans" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "pifu_plans" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "slots" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "slots" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "specialties" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "specialties" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "version_id" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "last_updated" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "slots_start_idx" ON "slots" USING btree ("org_id","starts_at");
--> statement-breakpoint
-- Every change to a record the FHIR API serves gives it a new version (meta.versionId, the ETag that If-Match
-- is checked against) and its time (meta.lastUpdated), whichever code path makes it. An UPDATE that changes
-- nothing leaves both as they were.
CREATE OR REPLACE FUNCTION pathflow_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.version_id := OLD.version_id + 1;
    NEW.last_updated := now();
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER organisations_bump_version BEFORE UPDATE ON organisations FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER specialties_bump_version BEFORE UPDATE ON specialties FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER clinicians_bump_version BEFORE UPDATE ON clinicians FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER locations_bump_version BEFORE UPDATE ON locations FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER patients_bump_version BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER clinic_templates_bump_version BEFORE UPDATE ON clinic_templates FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER slots_bump_version BEFORE UPDATE ON slots FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER appointments_bump_version BEFORE UPDATE ON appointments FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER referrals_bump_version BEFORE UPDATE ON referrals FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER tasks_bump_version BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER communications_bump_version BEFORE UPDATE ON communications FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
--> statement-breakpoint
CREATE TRIGGER pifu_plans_bump_version BEFORE UPDATE ON pifu_plans FOR EACH ROW EXECUTE FUNCTION pathflow_bump_version();
