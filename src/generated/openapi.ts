/**
 * generated, do not edit: types of spec/dtp.openapi.yaml, by openapi-typescript.
 * Regenerate with `npm run gen:types`; test/spec/generated-types.test.ts fails on drift.
 */

export interface paths {
    "/.well-known/oauth-authorization-server": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Authorization server metadata
         * @description RFC 8414 §3 metadata with the DTP extensions (`dtp_*`). Public.
         */
        get: operations["getMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jwks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Access-token signing keys
         * @description The JWK Set (RFC 7517 §5) of the public keys that sign access tokens (ES256, RFC 9068 §2.1). Public.
         */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a device (device authorization request)
         * @description The device authorization endpoint (RFC 8628 §3.1). The device authenticates with
         *     its `client_id` and the vendor API key (HTTP Basic MUST be supported, the form body
         *     MAY; both at once is `invalid_request`). A new registration is `pending` until an
         *     administrator approves it.
         *
         *     A device that registered a key may re-register with an HTTP Message Signature
         *     (RFC 9421) over `("@method" "@target-uri" "content-digest" "content-type")` and a
         *     `Content-Digest` (RFC 9530): a valid signature approves the registration at once;
         *     an invalid one is 401 `invalid_signature` and nothing is registered.
         */
        post: operations["registerDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/device": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verification page
         * @description The `verification_uri` (RFC 8628 §3.2): an HTML page telling the user to give the
         *     user code to an administrator. Public; never approves anything by itself.
         */
        get: operations["getVerificationPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Token endpoint
         * @description The token endpoint (RFC 6749 §3.2) for three grants, chosen by `grant_type`:
         *     device code polling (RFC 8628 §3.4), refresh with rotation (RFC 6749 §6,
         *     RFC 9700 §4.14), and service tokens with a JWT client assertion (RFC 6749 §4.4,
         *     RFC 7523 §2.2). A device that registered a key sends a DPoP proof (RFC 9449 §4).
         */
        post: operations["token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * User login through a trusted device
         * @description A user logs in through a trusted device: the device access token is the credential
         *     (`Authorization: Bearer`, or `DPoP` with a proof for a bound device), the form
         *     carries the user's credentials. Answers a token response with a user token pair.
         *     With the `allow_untrusted_endpoints` policy the client may authenticate with the
         *     API key (HTTP Basic) instead of a device token; `card_id` is accepted only with
         *     `allow_unauthenticated_requests`.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a token
         * @description RFC 7009 §2.1. 200 with an empty body for valid, unknown, already-revoked and other
         *     clients' tokens (the latter are not revoked). Revoking a refresh token revokes the
         *     access tokens of its family. Unsupported `token_type_hint` values are ignored.
         */
        post: operations["revokeToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Introspect a token
         * @description RFC 7662 §2.1. A device (client authentication) may introspect its own tokens; the
         *     administrator (admin bearer) any token. Other clients' tokens are `{"active": false}`.
         */
        post: operations["introspectToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Protected resource probe
         * @description Who the presented access token (or personal token) stands for. Requires scope `me`.
         *     Errors follow RFC 6750 §3 and RFC 9449 §7.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/personal-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List personal tokens
         * @description The calling user's personal tokens, never their secrets.
         */
        get: operations["listPersonalTokens"];
        put?: never;
        /**
         * Create a personal token
         * @description A logged-in user (user token with scope `tokens`) creates a long-lived personal
         *     token. `expires_in` is required (no default) and capped by
         *     `dtp_lifetimes.personal_token_max`. The secret is returned only in this response.
         */
        post: operations["createPersonalToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/personal-tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a personal token
         * @description Revokes one of the calling user's personal tokens; immediate effect. Another user's token is 404.
         */
        delete: operations["revokePersonalToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/registrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registrations
         * @description Registrations with the given status (default `pending`), for an administrator to
         *     decide on, a page at a time: oldest first, at most `limit` (default 100), with
         *     `next_cursor` when more may follow. Registrations are kept until they have been
         *     expired for `dtp_lifetimes.device_code` seconds.
         */
        get: operations["listRegistrations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/registrations/{user_code}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a registration
         * @description Approves the pending registration with this user code (case-insensitive, dash
         *     optional, RFC 8628 §6.1). The device's next poll returns tokens. Failed lookups are
         *     limited per admin credential and source (429).
         */
        post: operations["approveRegistration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/registrations/{user_code}/deny": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deny a registration
         * @description Denies the pending registration with this user code; the device's next poll gets
         *     `access_denied` (RFC 8628 §3.5). Failed lookups are limited per admin credential and
         *     source (429).
         */
        post: operations["denyRegistration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/devices/{client_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's `client_id`. */
                client_id: components["parameters"]["ClientIdPath"];
            };
            cookie?: never;
        };
        /**
         * Get a device
         * @description The approved device record for this `client_id`.
         */
        get: operations["getDevice"];
        put?: never;
        post?: never;
        /**
         * Delete a device
         * @description Deletes the device and revokes every token it holds and every user token obtained
         *     through it (refresh and access tokens). Personal tokens belong to the user and survive
         *     the deletion.
         */
        delete: operations["deleteDevice"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A device identifier, chosen by the device (RFC 6749 §2.2 `client_id`). */
        ClientId: string;
        /**
         * @description The kind of device.
         * @enum {string}
         */
        ClientType: "printer" | "chrome_extension" | "desktop_client" | "mobile_device" | "server";
        /**
         * @description Encoding of `public_key`: `rsa` = base64 DER SubjectPublicKeyInfo of an RSA key
         *     (≥ 2048 bits); `x509` = base64 DER X.509 certificate with an RSA (≥ 2048), EC P-256
         *     or Ed25519 key; `ed25519` = base64 DER SPKI of an Ed25519 key, or the raw 32 bytes.
         * @enum {string}
         */
        KeyType: "rsa" | "x509" | "ed25519";
        /**
         * @description What a token stands for.
         * @enum {string}
         */
        TokenKind: "device" | "user" | "service" | "personal";
        /**
         * @description `dtp_kind` claim of an access token (RFC 9068 private claim).
         * @enum {string}
         */
        AccessTokenKind: "device" | "user" | "service";
        /**
         * @description State of a registration.
         * @default pending
         * @enum {string}
         */
        RegistrationStatus: "pending" | "approved" | "denied";
        /** @description Space-delimited scope tokens (RFC 6749 §3.3). */
        ScopeString: string;
        /** @description An instant, in seconds since the Unix epoch. */
        UnixTime: number;
        /** @description A duration in seconds. */
        Seconds: number;
        /** @description A user code as issued (RFC 8628 §6.1) — 8 letters from `BCDFGHJKLMNPQRSTVWXZ`, shown as `XXXX-XXXX`. */
        UserCodeValue: string;
        /** @description A JWS in compact serialization (RFC 7515 §7.1). */
        CompactJws: string;
        /** @description Base64 (RFC 4648 §4, standard alphabet), padding optional. */
        Base64: string;
        /** @description RFC 7638 JWK SHA-256 thumbprint, base64url without padding. */
        JwkThumbprint: string;
        /** @description Identifier of a personal token (not its secret). */
        PersonalTokenId: string;
        /** @description An OAuth 2.0 error response (RFC 6749 §5.2). */
        OAuthError: {
            /** @description The error code (RFC 6749 §5.2); each endpoint family lists its codes. */
            error: string;
            /** @description Human-readable text naming the field or the reason. */
            error_description?: string;
            /**
             * Format: uri
             * @description A page about the error.
             */
            error_uri?: string;
        };
        /** @description Errors of `/register` (RFC 8628 §3.1, RFC 6749 §5.2; `invalid_signature` for a bad RFC 9421 signature). */
        RegistrationError: components["schemas"]["OAuthError"] & {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "unauthorized_client" | "unsupported_response_type" | "invalid_scope" | "invalid_signature" | "temporarily_unavailable";
        };
        /** @description Errors of `/token` (RFC 6749 §5.2, RFC 8628 §3.5, RFC 9449 §5 and §8). */
        TokenError: components["schemas"]["OAuthError"] & {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope" | "authorization_pending" | "slow_down" | "access_denied" | "expired_token" | "invalid_dpop_proof" | "use_dpop_nonce" | "temporarily_unavailable";
        };
        /** @description Errors of `/login` in RFC 6749 §5.2 form. */
        LoginError: components["schemas"]["OAuthError"] & {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "invalid_grant" | "invalid_scope" | "unauthorized_client" | "temporarily_unavailable";
        };
        /** @description Errors of `/revoke` (RFC 7009 §2.2.1). */
        RevocationError: components["schemas"]["OAuthError"] & {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "unsupported_token_type" | "temporarily_unavailable";
        };
        /** @description Errors of `/introspect` (RFC 7662 §2.3; `invalid_token` for a bad admin bearer, RFC 6750 §3.1). */
        IntrospectionError: components["schemas"]["OAuthError"] & {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "invalid_token" | "temporarily_unavailable";
        };
        /**
         * @description RFC 9457 problem details (`application/problem+json`). `type` is
         *     `https://dtp.dev/problems/<slug>`; slugs: `invalid-request`, `unauthorized`,
         *     `insufficient-scope`, `not-found`, `conflict`, `gone`, `rate-limited`,
         *     `payload-too-large`, `unsupported-media-type`. Extension members are allowed
         *     (RFC 9457 §3.2).
         */
        Problem: {
            /**
             * Format: uri
             * @description A URI identifying the problem type (RFC 9457 §3.1.1).
             */
            type: string;
            /** @description Short summary of the problem type (RFC 9457 §3.1.3). */
            title: string;
            /** @description The HTTP status code (RFC 9457 §3.1.2). */
            status: number;
            /** @description What went wrong in this occurrence, naming the field (RFC 9457 §3.1.4). */
            detail: string;
            /**
             * Format: uri-reference
             * @description A URI reference identifying this occurrence (RFC 9457 §3.1.5).
             */
            instance?: string;
        };
        /**
         * @description RFC 8414 §2 authorization server metadata as DTP uses it. Unknown members are
         *     allowed and ignored (RFC 8414 §3.2).
         */
        OAuthServerMetadata: {
            /**
             * Format: uri
             * @description The issuer identifier (RFC 8414 §2) — the server's base URL, no query, fragment or trailing slash.
             */
            issuer: string;
            /**
             * Format: uri
             * @description RFC 6749 §3.2 token endpoint.
             */
            token_endpoint: string;
            /**
             * Format: uri
             * @description RFC 8628 §4 device authorization endpoint (`/register`).
             */
            device_authorization_endpoint?: string;
            /**
             * Format: uri
             * @description RFC 7009 revocation endpoint (RFC 8414 §2).
             */
            revocation_endpoint?: string;
            /**
             * Format: uri
             * @description RFC 7662 introspection endpoint (RFC 8414 §2).
             */
            introspection_endpoint?: string;
            /**
             * Format: uri
             * @description The JWK Set of the access-token signing keys (RFC 8414 §2).
             */
            jwks_uri?: string;
            /** @description DTP: `urn:ietf:params:oauth:grant-type:device_code`, `refresh_token`, `client_credentials`. */
            grant_types_supported?: string[];
            /** @description DTP: `["device_code"]` (RFC 8414 §2, REQUIRED). */
            response_types_supported: string[];
            /** @description DTP: `client_secret_basic`, `client_secret_post`, `private_key_jwt`. */
            token_endpoint_auth_methods_supported?: string[];
            /** @description Algorithms for `private_key_jwt` assertions; DTP: `["ES256"]`. */
            token_endpoint_auth_signing_alg_values_supported?: string[];
            /** @description Client authentication methods at the revocation endpoint (RFC 8414 §2). */
            revocation_endpoint_auth_methods_supported?: string[];
            /** @description Client authentication methods at the introspection endpoint (RFC 8414 §2). */
            introspection_endpoint_auth_methods_supported?: string[];
            /** @description DPoP proof algorithms (RFC 9449 §5.1); DTP: `ES256`, `EdDSA`, `RS256`, `PS256`. Never `none` or symmetric. */
            dpop_signing_alg_values_supported?: string[];
            /** @description DTP: `me`, `login`, `tokens`, `service`. */
            scopes_supported?: string[];
        };
        /** @description DTP extension members of the metadata; all are required for a DTP server. A plain OAuth server lacks them. */
        DtpMetadata: {
            /** @description The DTP version implemented: `"2.0"` for this document (any `2.x` is compatible). */
            dtp_version: string;
            /**
             * Format: uri
             * @description The login endpoint (`/login`).
             */
            dtp_login_endpoint: string;
            /**
             * Format: uri
             * @description The personal tokens endpoint (`/personal-tokens`).
             */
            dtp_personal_tokens_endpoint: string;
            /**
             * Format: uri
             * @description The protected resource probe (`/me`).
             */
            dtp_resource_endpoint: string;
            /**
             * Format: uri
             * @description The base of the admin API (`/admin`).
             */
            dtp_admin_endpoint: string;
            /** @description Accepted `client_type` values. */
            dtp_client_types_supported: components["schemas"]["ClientType"][];
            /** @description Accepted `key_type` values. */
            dtp_key_types_supported: components["schemas"]["KeyType"][];
            /** @description HTTP Message Signature algorithms accepted on re-registration (RFC 9421 §6.2.2 registry names). */
            dtp_http_signature_algs_supported: ("ed25519" | "rsa-pss-sha512" | "rsa-v1_5-sha256" | "ecdsa-p256-sha256")[];
            dtp_policies: components["schemas"]["DtpPolicies"];
            dtp_lifetimes: components["schemas"]["DtpLifetimes"];
            /**
             * @description Seconds during which a just-rotated refresh token is still accepted (RFC 9700 §4.14.2); default 0.
             * @default 0
             */
            dtp_refresh_token_reuse_grace_period: number;
            /**
             * @description Allowance in seconds for client-supplied times (DPoP `iat`, signature `created`, assertion `iat`/`exp`); default 5.
             * @default 5
             */
            dtp_clock_skew: number;
            /** @description Whether DPoP proofs must carry a server nonce (RFC 9449 §8). */
            dtp_dpop_nonce_required: boolean;
            dtp_limits: components["schemas"]["DtpLimits"];
        };
        /**
         * @description The server's limits: failed attempts per credential subject and source (wrong API
         *     keys per `client_id`, wrong passwords per user and device, wrong admin keys, failed
         *     user-code lookups) and pending registrations per API key. A limit the server does not
         *     apply is absent.
         */
        DtpLimits: {
            failed_attempts: {
                client_secret: components["schemas"]["FailureLimit"];
                password: components["schemas"]["FailureLimit"];
                admin_key?: components["schemas"]["FailureLimit"];
                user_code?: components["schemas"]["FailureLimit"];
            };
            /** @description Pending, unexpired registrations one API key may have at once. */
            pending_registrations?: number;
        };
        /** @description At most `max` failures per `window` seconds for one subject from one source; then 429 until the window ends. */
        FailureLimit: {
            max: number;
            /** @description Seconds. */
            window: number;
        };
        /** @description Login policies (SAFEQ Cloud "User and device tokens"); both default to false. */
        DtpPolicies: {
            /**
             * @description `/login` accepts the API key (HTTP Basic) instead of a device token.
             * @default false
             */
            allow_untrusted_endpoints: boolean;
            /**
             * @description `/login` accepts weak identifiers (`card_id`) instead of a password.
             * @default false
             */
            allow_unauthenticated_requests: boolean;
        };
        /** @description Lifetimes and windows, in seconds. */
        DtpLifetimes: {
            /** @description Access token lifetime (default 3600). */
            access_token: number;
            /** @description Refresh token lifetime (default 7776000, 90 days). */
            refresh_token: number;
            /** @description Device code lifetime (default 600; RFC 8628 §3.2 `expires_in`). */
            device_code: number;
            /** @description Minimum polling interval (default 5; RFC 8628 §3.2). */
            interval: number;
            /** @description Upper bound of a personal token's `expires_in` (default 31536000). */
            personal_token_max: number;
            /** @description Maximum age of a DPoP proof's `iat` (default 300; RFC 9449 §11.1). */
            dpop_proof_max_age: number;
            /** @description Maximum `exp − iat` of a client assertion (default 300; RFC 7523 §3). */
            assertion_max_lifetime: number;
            /** @description Maximum age of an HTTP message signature's `created` (default 300; RFC 9421 §3.2). */
            signature_max_age: number;
        };
        /** @description The metadata a DTP server publishes (RFC 8414 §3.2 + DTP extensions). */
        ServerMetadata: components["schemas"]["OAuthServerMetadata"] & components["schemas"]["DtpMetadata"];
        /** @description A JWK Set (RFC 7517 §5). */
        JwkSet: {
            keys: components["schemas"]["PublicEcJwk"][];
        };
        /** @description A public P-256 key that signs access tokens (RFC 7518 §6.2.1); private members are forbidden. */
        PublicEcJwk: {
            /** @constant */
            kty: "EC";
            /** @constant */
            crv: "P-256";
            /** @description base64url x coordinate (RFC 7518 §6.2.1.2). */
            x: string;
            /** @description base64url y coordinate (RFC 7518 §6.2.1.3). */
            y: string;
            /** @description Key ID, as in the access token's `kid` header (RFC 7517 §4.5). */
            kid: string;
            /** @constant */
            alg?: "ES256";
            /** @constant */
            use?: "sig";
        };
        /**
         * @description Device authorization request (RFC 8628 §3.1) with DTP's registration parameters.
         *     `public_key` and `key_type` come together or not at all.
         */
        RegistrationRequest: {
            client_id: components["schemas"]["ClientId"];
            /** @description The API key, only with `client_secret_post` (RFC 6749 §2.3.1). */
            client_secret?: string;
            client_type: components["schemas"]["ClientType"];
            /**
             * @description Always `device_code`.
             * @constant
             */
            response_type: "device_code";
            /** @description Free text shown to the administrator. */
            client_description?: string;
            /** @description Opaque value echoed in the response. */
            state?: string;
            /** @description Subset of `me login`; default `me login` (RFC 6749 §3.3). */
            scope?: string;
            public_key?: components["schemas"]["Base64"];
            key_type?: components["schemas"]["KeyType"];
        };
        /** @description Device authorization response (RFC 8628 §3.2). */
        DeviceAuthorizationResponse: {
            /** @description The device verification code (≥ 128 bits of entropy, base64url; RFC 8628 §5.2). */
            device_code: string;
            user_code: components["schemas"]["UserCodeValue"];
            /**
             * Format: uri
             * @description The verification page (`/device`).
             */
            verification_uri: string;
            /**
             * Format: uri
             * @description The verification page with the user code (RFC 8628 §3.3.1).
             */
            verification_uri_complete: string;
            /** @description Lifetime of `device_code` and `user_code`, in seconds. */
            expires_in: number;
            /** @description Minimum seconds between polls (RFC 8628 §3.5). */
            interval: number;
            /** @description The request's `state`, only when one was sent. */
            state?: string;
        };
        /** @description A token request (RFC 6749 §4.1.3 form), one of the three grants, chosen by `grant_type`. */
        TokenRequest: components["schemas"]["DeviceCodeGrantRequest"] | components["schemas"]["RefreshTokenGrantRequest"] | components["schemas"]["ClientCredentialsGrantRequest"];
        /** @description Device access token request (RFC 8628 §3.4), with client authentication (API key). */
        DeviceCodeGrantRequest: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            grant_type: "urn:ietf:params:oauth:grant-type:device_code";
            /** @description The `device_code` from the registration response. */
            device_code: string;
            client_id?: components["schemas"]["ClientId"];
            /** @description The API key, only with `client_secret_post`. */
            client_secret?: string;
        };
        /** @description Refresh request (RFC 6749 §6); always rotates the refresh token (RFC 9700 §4.14.2). */
        RefreshTokenGrantRequest: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            grant_type: "refresh_token";
            /** @description The current refresh token. */
            refresh_token: string;
            /** @description May only narrow the granted scope (RFC 6749 §6); `invalid_scope` otherwise. */
            scope?: components["schemas"]["ScopeString"];
            client_id?: components["schemas"]["ClientId"];
            /** @description The API key, only with `client_secret_post`. */
            client_secret?: string;
        };
        /** @description Service token request (RFC 6749 §4.4) authenticated by a JWT client assertion (RFC 7523 §2.2). */
        ClientCredentialsGrantRequest: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            grant_type: "client_credentials";
            /** @constant */
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            client_assertion: components["schemas"]["CompactJws"];
            /** @description Subset of `me service` (RFC 6749 §3.3). */
            scope?: string;
            client_id?: components["schemas"]["ClientId"];
        };
        /**
         * @description Successful token response (RFC 6749 §5.1). Unknown members are ignored by clients
         *     (RFC 6749 §5.1).
         */
        TokenResponse: {
            /**
             * @description A JWT access token (RFC 9068: `typ: at+jwt`, ES256) with `iss`, `sub`, `aud`
             *     (= issuer), `client_id`, `exp`, `iat`, `jti`, `scope`, `dtp_kind`, and `cnf.jkt`
             *     when DPoP-bound (RFC 9449 §6).
             */
            access_token: components["schemas"]["CompactJws"];
            /**
             * @description `DPoP` when the token is bound to the device key (RFC 9449 §5), else `Bearer`.
             * @enum {string}
             */
            token_type: "Bearer" | "DPoP";
            /** @description Access token lifetime in seconds. */
            expires_in: number;
            /** @description Opaque refresh token (≥ 128 bits, stored hashed); absent for service tokens. */
            refresh_token?: string;
            scope: components["schemas"]["ScopeString"];
        };
        /**
         * @description User credentials: `username` + `password`, or `card_id` (a weak identifier, accepted
         *     only with `allow_unauthenticated_requests`). Exactly one of the two forms; both is
         *     `invalid_request`.
         */
        LoginRequest: components["schemas"]["PasswordLoginRequest"] | components["schemas"]["CardLoginRequest"];
        /** @description Login with a user name and password. */
        PasswordLoginRequest: {
            /** @description The user's name. */
            username: string;
            /** @description The user's password. */
            password: string;
        };
        /** @description Login with a card ID only (a weak identifier of SAFEQ Cloud "User and device tokens"); only with `allow_unauthenticated_requests`. */
        CardLoginRequest: {
            /** @description The user's card ID. */
            card_id: string;
        };
        /** @description A hint about the token's type (RFC 7009 §2.1); unknown values are ignored. */
        TokenTypeHint: string;
        /** @description Revocation request (RFC 7009 §2.1). */
        RevocationRequest: {
            token: string;
            token_type_hint?: components["schemas"]["TokenTypeHint"];
            client_id?: components["schemas"]["ClientId"];
            /** @description The API key, only with `client_secret_post`. */
            client_secret?: string;
        };
        /** @description Introspection request (RFC 7662 §2.1). */
        IntrospectionRequest: {
            token: string;
            token_type_hint?: components["schemas"]["TokenTypeHint"];
            client_id?: components["schemas"]["ClientId"];
            /** @description The API key, only with `client_secret_post`. */
            client_secret?: string;
        };
        /** @description RFC 7662 §2.2 introspection response. */
        IntrospectionResponse: components["schemas"]["InactiveToken"] | components["schemas"]["ActiveToken"];
        /** @description An unknown, expired, revoked or foreign token (RFC 7662 §2.2); no other member. */
        InactiveToken: {
            /** @constant */
            active: false;
        };
        /** @description An active token (RFC 7662 §2.2). Extension members are allowed (RFC 7662 §2.2). */
        ActiveToken: {
            /** @constant */
            active: true;
            scope: components["schemas"]["ScopeString"];
            client_id: components["schemas"]["ClientId"];
            /** @description The device's `client_id` or the user's id. */
            sub: string;
            /**
             * @description `Bearer` or `DPoP`; for a refresh token, the type of the access tokens it yields.
             * @enum {string}
             */
            token_type: "Bearer" | "DPoP";
            exp: components["schemas"]["UnixTime"];
            iat: components["schemas"]["UnixTime"];
            /**
             * Format: uri
             * @description The issuer identifier.
             */
            iss: string;
            /** @description The token's unique id. */
            jti: string;
            dtp_kind: components["schemas"]["TokenKind"];
            cnf?: components["schemas"]["Confirmation"];
        };
        /** @description Key confirmation of a DPoP-bound token (RFC 9449 §6.1). */
        Confirmation: {
            jkt: components["schemas"]["JwkThumbprint"];
        };
        /** @description Who the presented token stands for. */
        MeResponse: {
            /** @description The device's `client_id` or the user's id. */
            sub: string;
            client_id: components["schemas"]["ClientId"];
            token_kind: components["schemas"]["TokenKind"];
            /** @description The token's scopes, one per item. */
            scope: string[];
        };
        /** @description A new personal token; `expires_in` is required, there is no default. */
        CreatePersonalTokenRequest: {
            /** @description A label for the user. */
            name: string;
            /** @description Lifetime in seconds, 1 … `dtp_lifetimes.personal_token_max`. */
            expires_in: number;
            /**
             * @description Subset of `me`; default `me`.
             * @default me
             */
            scope?: string;
        };
        /** @description A personal token without its secret. */
        PersonalTokenInfo: {
            id: components["schemas"]["PersonalTokenId"];
            name: string;
            scope: components["schemas"]["ScopeString"];
            created_at: components["schemas"]["UnixTime"];
            expires_at: components["schemas"]["UnixTime"];
        };
        /** @description A created personal token with its secret, shown only in this response. */
        PersonalTokenCreated: {
            id: components["schemas"]["PersonalTokenId"];
            name: string;
            /** @description The secret, a Bearer token for `/me` (prefix `dtp_pat_`, stored hashed). */
            token: string;
            scope: components["schemas"]["ScopeString"];
            created_at: components["schemas"]["UnixTime"];
            expires_at: components["schemas"]["UnixTime"];
        };
        /** @description The calling user's personal tokens. */
        PersonalTokenList: {
            tokens: components["schemas"]["PersonalTokenInfo"][];
        };
        /** @description A registration as the administrator sees it. */
        Registration: {
            user_code: components["schemas"]["UserCodeValue"];
            client_id: components["schemas"]["ClientId"];
            client_type: components["schemas"]["ClientType"];
            client_description?: string;
            key_type?: components["schemas"]["KeyType"];
            jkt?: components["schemas"]["JwkThumbprint"];
            status: components["schemas"]["RegistrationStatus"];
            created_at: components["schemas"]["UnixTime"];
            expires_at: components["schemas"]["UnixTime"];
        };
        /** @description Registrations with the requested status. */
        RegistrationList: {
            registrations: components["schemas"]["Registration"][];
            /** @description Present when more registrations may follow; pass it as `cursor` for the next page. */
            next_cursor?: components["schemas"]["PageCursor"];
        };
        /** @description An opaque position in a list, as the server issued it. */
        PageCursor: string;
        /** @description The outcome of an approval or denial. */
        RegistrationDecision: {
            user_code: components["schemas"]["UserCodeValue"];
            client_id: components["schemas"]["ClientId"];
            /** @enum {string} */
            status: "approved" | "denied";
        };
        /** @description An approved device. */
        Device: {
            client_id: components["schemas"]["ClientId"];
            client_type: components["schemas"]["ClientType"];
            client_description?: string;
            key_type?: components["schemas"]["KeyType"];
            jkt?: components["schemas"]["JwkThumbprint"];
            scope: components["schemas"]["ScopeString"];
            approved_at: components["schemas"]["UnixTime"];
        };
    };
    responses: {
        /** @description Token response (RFC 6749 §5.1); never cached. */
        TokenIssued: {
            headers: {
                "Cache-Control": components["headers"]["CacheControlNoStore"];
                Pragma: components["headers"]["PragmaNoCache"];
                "DPoP-Nonce": components["headers"]["DPoPNonce"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["TokenResponse"];
            };
        };
        /** @description The decision was recorded. */
        RegistrationDecided: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["RegistrationDecision"];
            };
        };
        /** @description Malformed request (problem type `invalid-request`, RFC 9457). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description No, invalid, expired or revoked token (RFC 6750 §3.1, RFC 9449 §7.1): a challenge
         *     without `error` when no token was sent, else `error="invalid_token"` (or
         *     `invalid_dpop_proof` / `use_dpop_nonce` with `DPoP-Nonce`). Problem type `unauthorized`.
         */
        Unauthorized: {
            headers: {
                "WWW-Authenticate": components["headers"]["WWWAuthenticateChallenge"];
                "DPoP-Nonce": components["headers"]["DPoPNonce"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the required scope (RFC 6750 §3.1 `insufficient_scope`). Problem type `insufficient-scope`. */
        InsufficientScope: {
            headers: {
                "WWW-Authenticate": components["headers"]["WWWAuthenticateChallenge"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Missing or wrong admin credential (`WWW-Authenticate` Bearer challenge, RFC 6750 §3). Problem type `unauthorized`. */
        AdminUnauthorized: {
            headers: {
                "WWW-Authenticate": components["headers"]["WWWAuthenticateChallenge"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Unknown resource (problem type `not-found`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The registration was already decided (problem type `conflict`). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The registration expired before a decision (problem type `gone`). */
        Gone: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Too many failed attempts from this source (problem type `rate-limited`): wrong admin
         *     keys or failed user-code lookups; retry after
         *     `Retry-After` seconds.
         */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Body over 64 KiB (problem type `payload-too-large`). An OAuth endpoint may instead
         *     answer 400 `invalid_request`.
         */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not `application/json` (problem type `unsupported-media-type`). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
         *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
         *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
         *     resources). Required for devices that registered a key.
         */
        DPoPProof: components["schemas"]["CompactJws"];
        /** @description RFC 9530 §2: `sha-256=:<base64 SHA-256 of the body>:`. Sent with `Signature-Input` and `Signature` on a signed re-registration. */
        ContentDigest: string;
        /**
         * @description RFC 9421 §4.1, e.g.
         *     `sig1=("@method" "@target-uri" "content-digest" "content-type");created=<t>;expires=<t>;nonce="<random>";keyid="<jkt>";alg="<alg>"`.
         *     `alg` is one of `dtp_http_signature_algs_supported`.
         */
        SignatureInput: string;
        /** @description RFC 9421 §4.2: `sig1=:<base64 signature>:`. */
        Signature: string;
        /** @description The user code; case-insensitive, dash optional (RFC 8628 §6.1). */
        UserCode: string;
        /** @description The device's `client_id`. */
        ClientIdPath: components["schemas"]["ClientId"];
        /** @description The personal token's `id`. */
        PersonalTokenId: components["schemas"]["PersonalTokenId"];
    };
    requestBodies: never;
    headers: {
        /** @description `no-store` (RFC 6749 §5.1, RFC 9111 §5.2.2.5): the response must not be cached. */
        CacheControlNoStore: string;
        /** @description `no-cache` (RFC 6749 §5.1, RFC 9111 §5.4), for HTTP/1.0 caches. */
        PragmaNoCache: "no-cache";
        /**
         * @description A Bearer (RFC 6750 §3) or DPoP (RFC 9449 §7.1) challenge with `realm="dtp"`; no
         *     `error` attribute when no token was sent, else `error="invalid_token"`,
         *     `"insufficient_scope"`, `"invalid_dpop_proof"` or `"use_dpop_nonce"` with
         *     `error_description`. The DPoP challenge carries `algs="ES256 EdDSA RS256 PS256"`.
         */
        WWWAuthenticateChallenge: string;
        /** @description `Basic realm="dtp"` when the client authenticated with HTTP Basic (RFC 6749 §5.2, RFC 7617). */
        WWWAuthenticateBasic: string;
        /** @description A fresh server nonce for DPoP proofs (RFC 9449 §8.1); sent with `use_dpop_nonce` and possibly on any response. */
        DPoPNonce: string;
        /** @description Seconds to wait before the next attempt (RFC 9110 §10.2.3). */
        RetryAfter: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server metadata (RFC 8414 §3.2). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServerMetadata"];
                };
            };
        };
    };
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The JWK Set; public members only. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JwkSet"];
                };
            };
        };
    };
    registerDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description RFC 9530 §2: `sha-256=:<base64 SHA-256 of the body>:`. Sent with `Signature-Input` and `Signature` on a signed re-registration. */
                "Content-Digest"?: components["parameters"]["ContentDigest"];
                /**
                 * @description RFC 9421 §4.1, e.g.
                 *     `sig1=("@method" "@target-uri" "content-digest" "content-type");created=<t>;expires=<t>;nonce="<random>";keyid="<jkt>";alg="<alg>"`.
                 *     `alg` is one of `dtp_http_signature_algs_supported`.
                 */
                "Signature-Input"?: components["parameters"]["SignatureInput"];
                /** @description RFC 9421 §4.2: `sig1=:<base64 signature>:`. */
                Signature?: components["parameters"]["Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["RegistrationRequest"];
            };
        };
        responses: {
            /** @description Device authorization response (RFC 8628 §3.2). */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    Pragma: components["headers"]["PragmaNoCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceAuthorizationResponse"];
                };
            };
            /** @description Invalid request (RFC 6749 §5.2), e.g. a bad `client_type`, `public_key` without `key_type`, an invalid key. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationError"];
                };
            };
            /**
             * @description `invalid_client` (bad API key; `WWW-Authenticate: Basic realm="dtp"` when the client
             *     used Basic, RFC 6749 §5.2) or `invalid_signature` (a signed re-registration that
             *     does not verify, RFC 9421 §3.2).
             */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WWWAuthenticateBasic"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `temporarily_unavailable`: too many wrong API keys for this `client_id` from this source, or this API key already has `dtp_limits.pending_registrations` pending registrations; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationError"];
                };
            };
        };
    };
    getVerificationPage: {
        parameters: {
            query?: {
                /** @description The user code, when reached through `verification_uri_complete` (RFC 8628 §3.3.1). */
                user_code?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    token: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
                 *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
                 *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
                 *     resources). Required for devices that registered a key.
                 */
                DPoP?: components["parameters"]["DPoPProof"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            200: components["responses"]["TokenIssued"];
            /**
             * @description RFC 6749 §5.2 / RFC 8628 §3.5 / RFC 9449 §5 error: `authorization_pending`,
             *     `slow_down`, `access_denied`, `expired_token`, `invalid_grant`, `invalid_scope`,
             *     `unsupported_grant_type`, `invalid_request`, `invalid_dpop_proof`, `use_dpop_nonce`
             *     (with `DPoP-Nonce`, RFC 9449 §8).
             */
            400: {
                headers: {
                    "DPoP-Nonce": components["headers"]["DPoPNonce"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenError"];
                };
            };
            /** @description `invalid_client`: bad API key, or a rejected client assertion (RFC 6749 §5.2, RFC 7523 §3). */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WWWAuthenticateBasic"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `temporarily_unavailable`: too many wrong API keys for this `client_id` from this source; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenError"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
                 *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
                 *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
                 *     resources). Required for devices that registered a key.
                 */
                DPoP?: components["parameters"]["DPoPProof"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            200: components["responses"]["TokenIssued"];
            /** @description `invalid_grant` (bad user credentials), `invalid_request` (RFC 6749 §5.2). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginError"];
                };
            };
            /**
             * @description No, invalid or expired device token: a Bearer or DPoP challenge (RFC 6750 §3,
             *     RFC 9449 §7; no `error` attribute when no token was sent) with a problem+json body.
             *     Under `allow_untrusted_endpoints`, a bad API key is `invalid_client` (application/json).
             */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WWWAuthenticateChallenge"];
                    "DPoP-Nonce": components["headers"]["DPoPNonce"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "application/json": components["schemas"]["LoginError"];
                };
            };
            403: components["responses"]["InsufficientScope"];
            413: components["responses"]["PayloadTooLarge"];
            /** @description `temporarily_unavailable`: too many wrong passwords (or card IDs) for this user through this device from this source, or too many wrong API keys; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginError"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["RevocationRequest"];
            };
        };
        responses: {
            /** @description Revoked, or nothing to revoke (RFC 7009 §2.2). Empty body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `invalid_request` (RFC 7009 §2.2.1, RFC 6749 §5.2). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationError"];
                };
            };
            /** @description `invalid_client` (RFC 6749 §5.2). */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WWWAuthenticateBasic"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `temporarily_unavailable`: too many wrong API keys for this `client_id` from this source; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationError"];
                };
            };
        };
    };
    introspectToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["IntrospectionRequest"];
            };
        };
        responses: {
            /** @description Introspection response (RFC 7662 §2.2). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntrospectionResponse"];
                };
            };
            /** @description `invalid_request` (RFC 7662 §2.3). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntrospectionError"];
                };
            };
            /** @description `invalid_client` (bad client credentials) or `invalid_token` (bad admin bearer), RFC 7662 §2.3. */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WWWAuthenticateBasic"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntrospectionError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `temporarily_unavailable`: too many wrong API keys for this `client_id`, or wrong admin keys, from this source; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntrospectionError"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
                 *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
                 *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
                 *     resources). Required for devices that registered a key.
                 */
                DPoP?: components["parameters"]["DPoPProof"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token's subject, client, kind and scopes. */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["InsufficientScope"];
        };
    };
    listPersonalTokens: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
                 *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
                 *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
                 *     resources). Required for devices that registered a key.
                 */
                DPoP?: components["parameters"]["DPoPProof"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user's personal tokens. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalTokenList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["InsufficientScope"];
        };
    };
    createPersonalToken: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
                 *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
                 *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
                 *     resources). Required for devices that registered a key.
                 */
                DPoP?: components["parameters"]["DPoPProof"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePersonalTokenRequest"];
            };
        };
        responses: {
            /** @description The created token, with its secret (shown once). */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    Pragma: components["headers"]["PragmaNoCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalTokenCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["InsufficientScope"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    revokePersonalToken: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A DPoP proof JWT (RFC 9449 §4): header `typ: dpop+jwt`, `alg` from
                 *     `dpop_signing_alg_values_supported`, public `jwk` whose thumbprint is the device's
                 *     `jkt`; claims `jti`, `htm`, `htu`, `iat`, `nonce` (when required), `ath` (at
                 *     resources). Required for devices that registered a key.
                 */
                DPoP?: components["parameters"]["DPoPProof"];
            };
            path: {
                /** @description The personal token's `id`. */
                id: components["parameters"]["PersonalTokenId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["InsufficientScope"];
            404: components["responses"]["NotFound"];
        };
    };
    listRegistrations: {
        parameters: {
            query?: {
                /** @description Which registrations to list. */
                status?: components["schemas"]["RegistrationStatus"];
                /** @description The most registrations in this page (1 to 100; default 100). */
                limit?: number;
                /** @description Continue after the last registration of a previous page (its `next_cursor`, with the same `status`). */
                cursor?: components["schemas"]["PageCursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the registrations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["AdminUnauthorized"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    approveRegistration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user code; case-insensitive, dash optional (RFC 8628 §6.1). */
                user_code: components["parameters"]["UserCode"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["RegistrationDecided"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["AdminUnauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            410: components["responses"]["Gone"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    denyRegistration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user code; case-insensitive, dash optional (RFC 8628 §6.1). */
                user_code: components["parameters"]["UserCode"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["RegistrationDecided"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["AdminUnauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            410: components["responses"]["Gone"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    getDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's `client_id`. */
                client_id: components["parameters"]["ClientIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The device. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["AdminUnauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    deleteDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's `client_id`. */
                client_id: components["parameters"]["ClientIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; its tokens are revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["AdminUnauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
        };
    };
}
