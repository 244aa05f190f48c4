import { Alert, Badge, Loader, Tooltip } from "@mantine/core";
import { outcomeColor, outcomeMeaning, STATE_COLORS } from "../outcomes.ts";

export function StateBadge({ state }: { state: string }) {
  return (
    <Badge color={STATE_COLORS[state] ?? "gray"} variant="light" data-testid="state">
      {state}
    </Badge>
  );
}

export function OutcomeBadge({ outcome }: { outcome: string | null }) {
  if (outcome === null) return <>—</>;
  return (
    <Tooltip label={outcomeMeaning(outcome)} multiline w={320} openDelay={300}>
      <Badge color={outcomeColor(outcome)} variant="filled" data-testid="outcome" style={{ textTransform: "none" }}>
        {outcome}
      </Badge>
    </Tooltip>
  );
}

/** Loading / error for a query, with the server's own message. */
export function QueryState({ q, what }: { q: { isPending: boolean; error: Error | null }; what: string }) {
  if (q.error)
    return (
      <Alert color="red" title={`Could not load ${what}`} role="alert">
        {q.error.message}
      </Alert>
    );
  if (q.isPending) return <Loader size="sm" aria-label={`Loading ${what}`} />;
  return null;
}

/** A page or control whose endpoint this server does not have yet. */
export function Unavailable({ what, endpoint }: { what: string; endpoint: string }) {
  return (
    <Alert color="gray" title={`${what} are not available on this server yet`} data-testid="unavailable">
      This page needs the endpoint <code>{endpoint}</code>, which this Trawler server does not offer (job supervision is
      still being built). It appears here by itself once the server has it.
    </Alert>
  );
}
