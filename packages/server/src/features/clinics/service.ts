/**
 * Clinic templates and their slots, by concern:
 * - `versions.ts`: create a clinic (version 1 and its slots over the rolling horizon) and add a version
 *   (applied at once with six weeks' notice or more, its displaced patients rebooked; otherwise sent to a
 *   service manager);
 * - `change-requests.ts`: the approval worklist and a service manager's decision (a new version, or a session
 *   cancellation from `cancel.ts`);
 * - `reads.ts`: clinics, one clinic, its slots;
 * - `horizon.ts`: the daily extension of every clinic's slots to the rolling horizon;
 * - `cancel.ts` and `rebook.ts`: cancelling or reducing a session, and rebooking displaced patients;
 * - `preview.ts`: what a cancellation or an approval would do to its patients, by running it in a transaction
 *   that is rolled back.
 *
 * The rules are core's (`validateClinicTemplate`, `generateSlots`, `regenerateSlots`, `firstAffectedDate`,
 * `changeNeedsApproval`); these modules store what they decide, in one transaction per change, audited.
 */
export { addVersion, applyVersion, createClinic } from './versions';
export type { NewClinicInput, NewVersionInput, VersionInput } from './versions';
export { decideChangeRequest, listChangeRequests, type DecisionInput } from './change-requests';
export { DEFAULT_SLOT_WEEKS, MAX_SLOT_WEEKS, getClinic, listClinics, listSlots } from './reads';
export { extendSlotHorizon, type HorizonExtension } from './horizon';
