// Which job outcomes a webhook hears about. `{ "outcomes": ["failed"] }` matches only those
// outcomes; `{ "notOutcomes": ["finished"] }` matches every outcome but those; `{}` matches all.
// Both lists may be given: the outcome must be in the first and not in the second.

import { badRequest } from "../errors.ts";

export interface WebhookRule {
  outcomes?: string[];
  notOutcomes?: string[];
}

export function checkRule(rule: WebhookRule): WebhookRule {
  for (const key of ["outcomes", "notOutcomes"] as const) {
    const list = rule[key];
    if (list !== undefined && list.length === 0)
      throw badRequest("invalid_rule", `rule.${key} must list at least one outcome, or be left out`);
  }
  return {
    ...(rule.outcomes ? { outcomes: [...new Set(rule.outcomes)] } : {}),
    ...(rule.notOutcomes ? { notOutcomes: [...new Set(rule.notOutcomes)] } : {}),
  };
}

export function ruleMatches(rule: WebhookRule, outcome: string): boolean {
  if (rule.outcomes && !rule.outcomes.includes(outcome)) return false;
  if (rule.notOutcomes?.includes(outcome)) return false;
  return true;
}
