import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { packageRoot, specDir } from "../../src/paths.ts";
import {
  componentSchemas,
  DTP_AREAS,
  type JsonSchema,
  lintOpenApi,
  listOperations,
  loadOpenApi,
  loadOpenApiRaw,
  type OpenApiDocument,
  type OpenApiIssue,
  OpenApiValidationError,
  specPath,
  validateOpenApi,
} from "../../src/spec/openapi.ts";

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const EXPECTED_OPERATIONS = [
  ["getMetadata", "GET", "/.well-known/oauth-authorization-server"],
  ["getJwks", "GET", "/jwks"],
  ["registerDevice", "POST", "/register"],
  ["getVerificationPage", "GET", "/device"],
  ["token", "POST", "/token"],
  ["login", "POST", "/login"],
  ["revokeToken", "POST", "/revoke"],
  ["introspectToken", "POST", "/introspect"],
  ["getMe", "GET", "/me"],
  ["createPersonalToken", "POST", "/personal-tokens"],
  ["listPersonalTokens", "GET", "/personal-tokens"],
  ["revokePersonalToken", "DELETE", "/personal-tokens/{id}"],
  ["listRegistrations", "GET", "/admin/registrations"],
  ["approveRegistration", "POST", "/admin/registrations/{user_code}/approve"],
  ["denyRegistration", "POST", "/admin/registrations/{user_code}/deny"],
  ["getDevice", "GET", "/admin/devices/{client_id}"],
  ["deleteDevice", "DELETE", "/admin/devices/{client_id}"],
] as const;

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => value as Obj;
/** `doc.paths[path][method]` of a (copied) document. */
const op = (doc: OpenApiDocument, path: string, method: string): Obj =>
  obj(obj(obj(doc.paths)[path])[method]);

const rules = (issues: OpenApiIssue[]) => [...new Set(issues.map((i) => i.rule))].sort();

describe("spec/dtp.openapi.yaml", () => {
  const doc = loadOpenApiRaw();

  it("is found from the package root", () => {
    expect(readFileSync(join(packageRoot(), "package.json"), "utf8")).toContain('"dtp-kit"');
    expect(specPath()).toBe(join(specDir(), "dtp.openapi.yaml"));
  });

  it("is valid OpenAPI 3.1 and follows every DTP convention", async () => {
    expect(await validateOpenApi()).toEqual([]);
    await expect(loadOpenApi()).resolves.toMatchObject({ openapi: "3.1.0" });
  });

  it("has version 2.0.0 and points to the catalogue and the human-readable spec", () => {
    const info = obj(doc.info);
    expect(doc.openapi).toBe("3.1.0");
    expect(info.version).toBe("2.0.0");
    expect(info.title).toEqual(expect.any(String));
    expect(info.description).toContain("spec/README.md");
    expect(info.description).toContain("spec/requirements.yaml");
  });

  it("has exactly the outline's operations, with their methods and paths", () => {
    const ops = listOperations(doc).map((o) => [o.operationId, o.method, o.path]);
    expect(ops.sort()).toEqual(EXPECTED_OPERATIONS.map((o) => [...o]).sort());
  });

  it("gives every operation an area, a summary, a description and a security declaration", () => {
    const schemes = Object.keys(obj(obj(doc.components).securitySchemes));
    for (const { operationId, method, path, area } of listOperations(doc)) {
      const operation = op(doc, path, method.toLowerCase());
      expect(DTP_AREAS, operationId).toContain(area);
      expect(operation.summary, operationId).toEqual(expect.any(String));
      expect(operation.description, operationId).toEqual(expect.any(String));
      expect(Array.isArray(operation.security), `${operationId} declares security`).toBe(true);
      for (const requirement of operation.security as Obj[]) {
        for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      }
    }
  });

  it("declares the security schemes the outline names, public operations explicitly empty", () => {
    const schemes = obj(obj(doc.components).securitySchemes);
    expect(Object.keys(schemes).sort()).toEqual(
      ["adminBearer", "apiKeyBasic", "apiKeyPost", "bearer", "dpop", "privateKeyJwt"].sort(),
    );
    expect(schemes.apiKeyBasic).toMatchObject({ type: "http", scheme: "basic" });
    expect(schemes.bearer).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
    expect(schemes.adminBearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemes.dpop).toMatchObject({ type: "apiKey", in: "header", name: "Authorization" });
    for (const path of ["/.well-known/oauth-authorization-server", "/jwks", "/device"]) {
      expect(op(doc, path, "get").security, path).toEqual([]);
    }
    expect(op(doc, "/token", "post").security).toEqual([
      { apiKeyBasic: [] },
      { apiKeyPost: [] },
      { privateKeyJwt: [] },
    ]);
  });

  it("never lists requirement IDs (the catalogue maps requirements to operations)", () => {
    expect(readFileSync(specPath(), "utf8")).not.toMatch(/DTP-[A-Z]+-\d{3}/);
  });

  it("declares Cache-Control: no-store (and Pragma) on every response carrying a secret", () => {
    const headersOf = (path: string, method: string, status: string) => {
      let response = obj(obj(op(doc, path, method).responses)[status]);
      if (typeof response.$ref === "string") {
        const name = response.$ref.split("/").pop() ?? "";
        response = obj(obj(obj(doc.components).responses)[name]);
      }
      return Object.keys(obj(response.headers));
    };
    for (const [path, method, status] of [
      ["/token", "post", "200"],
      ["/login", "post", "200"],
      ["/register", "post", "200"],
      ["/personal-tokens", "post", "201"],
    ] as const) {
      expect(headersOf(path, method, status), `${path} ${status}`).toEqual(
        expect.arrayContaining(["Cache-Control", "Pragma"]),
      );
    }
    expect(headersOf("/me", "get", "200")).toContain("Cache-Control");
  });

  it("answers OAuth errors as application/json and the other APIs' errors as problem+json", () => {
    for (const { operationId, method, path } of listOperations(doc)) {
      const responses = obj(op(doc, path, method.toLowerCase()).responses);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status)) continue;
        const ref = obj(response).$ref;
        const content = obj(
          typeof ref === "string"
            ? obj(obj(obj(doc.components).responses)[ref.split("/").pop() ?? ""]).content
            : obj(response).content,
        );
        const oauth = ["registerDevice", "token", "revokeToken", "introspectToken"];
        if (oauth.includes(operationId) && status !== "413") {
          expect(Object.keys(content), `${operationId} ${status}`).toEqual(["application/json"]);
        } else if (operationId !== "login") {
          expect(Object.keys(content), `${operationId} ${status}`).toEqual([
            "application/problem+json",
          ]);
        }
      }
    }
  });
});

describe("componentSchemas", async () => {
  const schemas = await componentSchemas();
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const compile = (name: string) => ajv.compile(schemas[name] as JsonSchema);

  it("gives self-contained JSON Schema 2020-12 objects that ajv compiles in strict mode", () => {
    expect(Object.keys(schemas).length).toBeGreaterThan(40);
    for (const name of Object.keys(schemas)) {
      expect(JSON.stringify(schemas[name]), name).not.toContain('"$ref"');
      expect(() => compile(name), name).not.toThrow();
    }
  });

  it("discriminates the token request by grant_type", () => {
    const v = compile("TokenRequest");
    expect(
      v({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: "abc" }),
    ).toBe(true);
    expect(v({ grant_type: "refresh_token", refresh_token: "r1", scope: "me" })).toBe(true);
    expect(
      v({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: "aaa.bbb.ccc",
        scope: "service",
      }),
    ).toBe(true);
    expect(v({ grant_type: "password", username: "a", password: "b" })).toBe(false);
    expect(v({ grant_type: "refresh_token" })).toBe(false);
    expect(v({ grant_type: "client_credentials", client_assertion: "aaa.bbb.ccc" })).toBe(false);
  });

  it("checks registration parameters, keys both-or-neither", () => {
    const v = compile("RegistrationRequest");
    const base = { client_id: "printer-1", client_type: "printer", response_type: "device_code" };
    expect(v(base)).toBe(true);
    expect(v({ ...base, extra: "ignored (RFC 6749 §3.1)" })).toBe(true);
    expect(v({ ...base, public_key: "AAAA", key_type: "ed25519" })).toBe(true);
    expect(v({ ...base, public_key: "AAAA" })).toBe(false);
    expect(v({ ...base, key_type: "rsa" })).toBe(false);
    expect(v({ ...base, client_type: "toaster" })).toBe(false);
    expect(v({ ...base, client_id: "bad id!" })).toBe(false);
    expect(v({ ...base, response_type: "code" })).toBe(false);
    expect(v({ ...base, client_description: "x".repeat(257) })).toBe(false);
  });

  it("never lets a listed personal token carry its secret", () => {
    const v = compile("PersonalTokenList");
    const info = { id: "t1", name: "ci", scope: "me", created_at: 1, expires_at: 2 };
    expect(v({ tokens: [info] })).toBe(true);
    expect(v({ tokens: [{ ...info, token: "dtp_pat_AAAAAAAAAAAAAAAAAAAAAAAA" }] })).toBe(false);
  });

  it("requires expires_in on personal token creation", () => {
    const v = compile("CreatePersonalTokenRequest");
    expect(v({ name: "ci", expires_in: 3600, scope: "me" })).toBe(true);
    expect(v({ name: "ci" })).toBe(false);
    expect(v({ name: "ci", expires_in: 0 })).toBe(false);
    expect(v({ name: "ci", expires_in: 60, scope: "me tokens" })).toBe(false);
  });

  it("accepts the outline's metadata and rejects metadata without the DTP members", () => {
    const v = compile("ServerMetadata");
    const base = "http://localhost:8080";
    const metadata = {
      issuer: base,
      token_endpoint: `${base}/token`,
      device_authorization_endpoint: `${base}/register`,
      revocation_endpoint: `${base}/revoke`,
      introspection_endpoint: `${base}/introspect`,
      jwks_uri: `${base}/jwks`,
      grant_types_supported: [
        "urn:ietf:params:oauth:grant-type:device_code",
        "refresh_token",
        "client_credentials",
      ],
      response_types_supported: ["device_code"],
      token_endpoint_auth_methods_supported: [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
      ],
      token_endpoint_auth_signing_alg_values_supported: ["ES256"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      dpop_signing_alg_values_supported: ["ES256", "EdDSA", "RS256", "PS256"],
      scopes_supported: ["me", "login", "tokens", "service"],
      dtp_version: "2.0",
      dtp_login_endpoint: `${base}/login`,
      dtp_personal_tokens_endpoint: `${base}/personal-tokens`,
      dtp_resource_endpoint: `${base}/me`,
      dtp_admin_endpoint: `${base}/admin`,
      dtp_client_types_supported: [
        "printer",
        "chrome_extension",
        "desktop_client",
        "mobile_device",
        "server",
      ],
      dtp_key_types_supported: ["rsa", "x509", "ed25519"],
      dtp_http_signature_algs_supported: [
        "ed25519",
        "rsa-pss-sha512",
        "rsa-v1_5-sha256",
        "ecdsa-p256-sha256",
      ],
      dtp_policies: { allow_untrusted_endpoints: false, allow_unauthenticated_requests: false },
      dtp_lifetimes: {
        access_token: 3600,
        refresh_token: 7776000,
        device_code: 600,
        interval: 5,
        personal_token_max: 31536000,
        dpop_proof_max_age: 300,
        assertion_max_lifetime: 300,
        signature_max_age: 300,
      },
      dtp_refresh_token_reuse_grace_period: 0,
      dtp_clock_skew: 5,
      dtp_dpop_nonce_required: false,
      dtp_limits: {
        failed_attempts: {
          client_secret: { max: 20, window: 60 },
          password: { max: 10, window: 300 },
        },
      },
    };
    expect(v(metadata), JSON.stringify(v.errors)).toBe(true);
    const { dtp_lifetimes: _, ...withoutLifetimes } = metadata;
    expect(v(withoutLifetimes)).toBe(false);
    expect(v({ ...metadata, issuer: `${base}/` })).toBe(false);
    expect(v({ ...metadata, dpop_signing_alg_values_supported: ["none"] })).toBe(false);
    expect(compile("OAuthServerMetadata")(withoutLifetimes)).toBe(true);
  });

  it("shapes errors: OAuth error codes per endpoint family, RFC 9457 problems", () => {
    expect(compile("TokenError")({ error: "slow_down" })).toBe(true);
    expect(compile("TokenError")({ error: "invalid_signature" })).toBe(false);
    expect(compile("RegistrationError")({ error: "invalid_signature" })).toBe(true);
    expect(compile("RevocationError")({ error: "unsupported_token_type" })).toBe(true);
    const problem = compile("Problem");
    const notFound = {
      type: "https://dtp.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: '"user_code" BCDF-GHJK is unknown',
    };
    expect(problem(notFound)).toBe(true);
    expect(problem({ ...notFound, type: "about:blank" })).toBe(false);
    expect(problem({ title: "x", status: 404 })).toBe(false);
  });

  it("keeps an inactive introspection response empty (RFC 7662 §2.2)", () => {
    const v = compile("IntrospectionResponse");
    expect(v({ active: false })).toBe(true);
    expect(v({ active: false, sub: "leak" })).toBe(false);
  });
});

describe("each check can fail (broken copies of the spec)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtp-openapi-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const copy = () => structuredClone(loadOpenApiRaw());

  it("reports a $ref that does not resolve, with its pointer", async () => {
    const doc = copy();
    obj(obj(op(doc, "/jwks", "get").responses)["200"]).content = {
      "application/json": { schema: { $ref: "#/components/schemas/NoSuchSchema" } },
    };
    const issues = await validateOpenApi(doc);
    expect(issues).toContainEqual({
      rule: "ref",
      pointer: "#/paths/~1jwks/get/responses/200/content/application~1json/schema/$ref",
      message: '$ref "#/components/schemas/NoSuchSchema" does not resolve',
    });
  });

  it("reports an operation without security", async () => {
    const doc = copy();
    delete op(doc, "/me", "get").security;
    const issues = await validateOpenApi(doc);
    expect(rules(issues)).toEqual(["security"]);
    expect(issues[0]?.pointer).toBe("#/paths/~1me/get");
  });

  it("reports a security scheme that is not declared", () => {
    const doc = copy();
    op(doc, "/me", "get").security = [{ mtls: [] }];
    expect(lintOpenApi(doc)).toMatchObject([
      { rule: "security", pointer: "#/paths/~1me/get/security/0/mtls" },
    ]);
  });

  it("reports a missing or duplicated operationId and a missing or unknown area", () => {
    const doc = copy();
    delete op(doc, "/jwks", "get").operationId;
    op(doc, "/device", "get").operationId = "getMetadata";
    delete op(doc, "/me", "get")["x-dtp-area"];
    op(doc, "/login", "post")["x-dtp-area"] = "logins";
    const issues = lintOpenApi(doc);
    expect(issues.map((i) => [i.rule, i.pointer])).toEqual([
      ["operation-id", "#/paths/~1jwks/get"],
      ["operation-id", "#/paths/~1device/get/operationId"],
      ["area", "#/paths/~1login/post/x-dtp-area"],
      ["area", "#/paths/~1me/get"],
    ]);
    expect(() => listOperations(doc)).toThrow(/no operationId/);
  });

  it("reports error responses without an OAuthError or Problem body", () => {
    const doc = copy();
    const tokenResponses = obj(op(doc, "/token", "post").responses);
    tokenResponses["400"] = {
      description: "bad",
      content: { "application/json": { schema: { type: "object" } } },
    };
    tokenResponses["401"] = { description: "no body" };
    obj(op(doc, "/me", "get").responses)["418"] = {
      description: "teapot",
      content: { "text/plain": { schema: { type: "string" } } },
    };
    obj(op(doc, "/personal-tokens", "get").responses)["500"] = {
      description: "oops",
      content: {
        "application/problem+json": { schema: { $ref: "#/components/schemas/OAuthError" } },
      },
    };
    const issues = lintOpenApi(doc);
    expect(issues.map((i) => [i.rule, i.pointer])).toEqual([
      ["error-schema", "#/paths/~1token/post/responses/400/content/application~1json"],
      ["error-schema", "#/paths/~1token/post/responses/401"],
      ["error-schema", "#/paths/~1me/get/responses/418/content/text~1plain"],
      [
        "error-schema",
        "#/paths/~1personal-tokens/get/responses/500/content/application~1problem+json",
      ],
    ]);
  });

  it("reports secret-bearing responses without Cache-Control / Pragma", () => {
    const doc = copy();
    const register = obj(obj(op(doc, "/register", "post").responses)["200"]);
    delete obj(register.headers)["Cache-Control"];
    // A new response that carries a token is caught by its body, whatever the operation.
    obj(op(doc, "/jwks", "get").responses)["200"] = {
      description: "leaks",
      content: { "application/json": { schema: { $ref: "#/components/schemas/TokenResponse" } } },
    };
    // Declared but optional is not enough.
    obj(obj(doc.components).headers).PragmaNoCache = {
      schema: { type: "string" },
      required: false,
    };
    const issues = lintOpenApi(doc).map((i) => [i.rule, i.pointer, i.message.split(" but ")[1]]);
    expect(issues).toContainEqual([
      "cache-control",
      "#/paths/~1register/post/responses/200/headers",
      "does not declare a required Cache-Control: no-store header (RFC 6749 §5.1)",
    ]);
    expect(issues).toContainEqual([
      "cache-control",
      "#/paths/~1jwks/get/responses/200/headers",
      "does not declare a required Cache-Control: no-store header (RFC 6749 §5.1)",
    ]);
    expect(issues).toContainEqual([
      "cache-control",
      "#/paths/~1token/post/responses/200/headers",
      "does not declare a required Pragma: no-cache header (RFC 6749 §5.1)",
    ]);
  });

  it("reports a document that is not valid OpenAPI 3.1 (swagger-parser)", async () => {
    const doc = copy();
    delete obj(doc.info).title;
    op(doc, "/me", "get").responses = "none";
    const issues = (await validateOpenApi(doc)).filter((i) => i.rule === "schema");
    expect(issues.map((i) => i.pointer)).toEqual(
      expect.arrayContaining(["#/info", "#/paths/~1me/get/responses"]),
    );
  });

  it("locates issues in a file by line and column, and loadOpenApi refuses it", async () => {
    const doc = copy();
    delete op(doc, "/me", "get").security;
    const file = join(dir, "broken.yaml");
    const text = stringify(doc, { lineWidth: 0 });
    writeFileSync(file, text);
    const issues = await validateOpenApi(file);
    expect(issues).toHaveLength(1);
    const lines = text.split("\n");
    const at = (issues[0]?.line ?? 0) - 1;
    expect(lines[at]).toMatch(/^ {4}get:$/);
    expect(lines[at - 1]).toBe("  /me:");
    expect(issues[0]?.column).toBe(5);
    await expect(loadOpenApi(file)).rejects.toBeInstanceOf(OpenApiValidationError);
  });

  it("reports a file that is not YAML", async () => {
    const file = join(dir, "not-yaml.yaml");
    writeFileSync(file, "openapi: 3.1.0\ninfo: [unclosed\n");
    const issues = await validateOpenApi(file);
    expect(issues[0]).toMatchObject({ rule: "yaml", line: expect.any(Number) });
  });
});
