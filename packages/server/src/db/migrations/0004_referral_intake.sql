DROP INDEX "referrals_ubrn_uq";--> statement-breakpoint
ALTER TABLE "specialties" ADD COLUMN "accepts_self_referral" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "referrals_ubrn_idx" ON "referrals" USING btree ("org_id","ubrn") WHERE ubrn is not null;