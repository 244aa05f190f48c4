// Names of organizations, projects and spiders end up in URLs, paths and argv, so they are allow-listed.

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return "must be a string";
  if (!NAME_RE.test(name))
    return "must be 1-100 characters of letters, digits, '_', '.', '-', starting with a letter or digit";
  if (name.includes("..")) return "must not contain '..'";
  return undefined;
}

export function isValidName(name: unknown): name is string {
  return nameProblem(name) === undefined;
}
