/** Every reason a CSV row can be rejected for (SPEC §4, §7), as stored in import_rejects. */
export const REJECT_REASONS = [
  'missing_email',
  'invalid_syntax',
  'ineligible_domain',
  'denied_domain',
  'non_ascii_domain',
  'duplicate_in_file',
  'unknown_group',
  'bad_date',
  'bad_value',
  'ragged_row',
  'unknown_event',
  'bad_quoting',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The reasons an email address alone can be refused for. */
export type EmailRejectReason = Extract<RejectReason, 'missing_email' | 'invalid_syntax' | 'ineligible_domain' | 'denied_domain' | 'non_ascii_domain'>;
