// Apart from core/events.ts so that the CLI can list the types in --help without loading the
// row validation (start-up time).
export const EVENT_TYPES = ['community_meeting', 'training', 'challenge', 'workshop', 'webinar'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
