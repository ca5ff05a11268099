import type { DomainRules } from '../core/email.js';
import type { Db } from './open.js';

export type RuleAction = 'allow' | 'deny';
export type RuleTargetType = 'suffix' | 'address';

export interface DomainRule {
  readonly id: number;
  readonly action: RuleAction;
  readonly targetType: RuleTargetType;
  readonly target: string;
  readonly reason: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

interface RuleRow {
  id: number;
  action: RuleAction;
  target_type: RuleTargetType;
  target: string;
  reason: string | null;
  created_by: string;
  created_at: string;
}

const toRule = (r: RuleRow): DomainRule => ({
  id: r.id,
  action: r.action,
  targetType: r.target_type,
  target: r.target,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Every allow/deny rule, ordered by action, then target. */
export function listDomainRules(db: Db): DomainRule[] {
  const rows = db
    .prepare<[], RuleRow>('SELECT id, action, target_type, target, reason, created_by, created_at FROM domain_rules ORDER BY action, target')
    .all();
  return rows.map(toRule);
}

/** The rules in the shape `checkEmail` takes. */
export function loadDomainRules(db: Db): DomainRules {
  const allowSuffixes: string[] = [];
  const denySuffixes: string[] = [];
  const allowAddresses = new Set<string>();
  for (const r of listDomainRules(db)) {
    if (r.targetType === 'address') {
      if (r.action === 'allow') allowAddresses.add(r.target);
    } else if (r.action === 'allow') allowSuffixes.push(r.target);
    else denySuffixes.push(r.target);
  }
  return { allowSuffixes, denySuffixes, allowAddresses };
}

export interface NewDomainRule {
  readonly action: RuleAction;
  readonly targetType: RuleTargetType;
  readonly target: string;
  readonly reason: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

/**
 * Adds a rule, or updates the reason/who/when of the same (action, target) rule.
 * Returns the stored rule and whether it was new.
 */
export function addDomainRule(db: Db, rule: NewDomainRule): { rule: DomainRule; created: boolean } {
  return db.transaction(() => {
    const existing = db.prepare<[string, string], { id: number }>('SELECT id FROM domain_rules WHERE action = ? AND target = ?').get(rule.action, rule.target);
    if (existing) {
      db.prepare('UPDATE domain_rules SET target_type = ?, reason = ?, created_by = ?, created_at = ? WHERE id = ?').run(
        rule.targetType,
        rule.reason,
        rule.createdBy,
        rule.createdAt,
        existing.id,
      );
    } else {
      db.prepare('INSERT INTO domain_rules (action, target_type, target, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        rule.action,
        rule.targetType,
        rule.target,
        rule.reason,
        rule.createdBy,
        rule.createdAt,
      );
    }
    const row = db
      .prepare<[string, string], RuleRow>('SELECT id, action, target_type, target, reason, created_by, created_at FROM domain_rules WHERE action = ? AND target = ?')
      .get(rule.action, rule.target);
    if (!row) throw new Error('domain rule vanished after insert');
    return { rule: toRule(row), created: existing === undefined };
  }).immediate();
}

/** Removes every rule (allow and deny) on `target`; returns the removed rules. */
export function removeDomainRules(db: Db, target: string): DomainRule[] {
  return db.transaction(() => {
    const rows = db
      .prepare<[string], RuleRow>('SELECT id, action, target_type, target, reason, created_by, created_at FROM domain_rules WHERE target = ? ORDER BY action')
      .all(target);
    db.prepare('DELETE FROM domain_rules WHERE target = ?').run(target);
    return rows.map(toRule);
  }).immediate();
}
