/** Words for print batches on screen. */
import type { PrintBatch } from '../../api/print-batches';

export const BATCH_STATUS_LABELS: Record<PrintBatch['status'], string> = {
  ready: 'Ready to collect',
  collected: 'Collected',
};

export const BATCH_STATUS_TAGS: Record<PrintBatch['status'], string> = {
  ready: 'nhsuk-tag nhsuk-tag--yellow',
  collected: 'nhsuk-tag nhsuk-tag--green',
};

/** "1 letter", "12 letters". */
export const letterCount = (n: number) => `${n} ${n === 1 ? 'letter' : 'letters'}`;
