/** The day a request reads clocks on: today's date (YYYY-MM-DD) in London, from the request's clock. */
import { londonDateOfEpochMilliseconds } from '@pathflow/core';

export const londonToday = (now: Date): string => londonDateOfEpochMilliseconds(now.getTime());
