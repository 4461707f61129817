/**
 * A tiny router keyed by operationId: the spec's paths (`/admin/devices/{client_id}`) are
 * compiled to matchers; a request resolves to an operationId and its path parameters.
 * Paths without parameters (`/me`, `/token`) are found in a map, the others by their
 * matchers in the spec's order.
 */

export interface RouteDef {
  operationId: string;
  method: string;
  path: string;
}

export type RouteMatch =
  | { kind: "found"; operationId: string; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

interface Compiled extends RouteDef {
  regex: RegExp;
  names: string[];
}

export interface Router {
  match(method: string, pathname: string): RouteMatch;
}

export function createRouter(routes: readonly RouteDef[]): Router {
  const compiled: Compiled[] = routes.map((r) => {
    const names: string[] = [];
    const source = r.path
      .split("/")
      .map((seg) => {
        const m = /^\{([^}]+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(m[1]!);
        return "([^/]+)";
      })
      .join("/");
    return { ...r, method: r.method.toUpperCase(), regex: new RegExp(`^${source}$`), names };
  });

  const fixed = new Map<string, Compiled[]>();
  for (const route of compiled)
    if (route.names.length === 0) fixed.set(route.path, [...(fixed.get(route.path) ?? []), route]);
  const templated = compiled.filter((r) => r.names.length > 0);

  return {
    match(method, pathname) {
      const effective = method === "HEAD" ? "GET" : method;
      const exact = fixed.get(pathname);
      if (exact) {
        const route = exact.find((r) => r.method === effective);
        if (route) return { kind: "found", operationId: route.operationId, params: {} };
      }
      const allow: string[] = exact ? exact.map((r) => r.method) : [];
      for (const route of templated) {
        const m = route.regex.exec(pathname);
        if (!m) continue;
        if (route.method !== effective) {
          allow.push(route.method);
          continue;
        }
        const params: Record<string, string> = {};
        let bad = false;
        route.names.forEach((name, i) => {
          try {
            params[name] = decodeURIComponent(m[i + 1]!);
          } catch {
            bad = true;
          }
        });
        if (bad) return { kind: "not_found" };
        return { kind: "found", operationId: route.operationId, params };
      }
      return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
    },
  };
}
