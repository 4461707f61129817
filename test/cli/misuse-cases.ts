/**
 * The misuse table of `test/cli/misuse.test.ts`: every row is a way to get the command line
 * wrong, the documented exit code and what the one line on stderr must say. The files named
 * (bad.json, dir, …) are made by the test in its working directory.
 */
/** [what, args, exit code, what stderr says]; `{port}` is a port nobody listens on. */
export const MISUSE: [string, string[], number, RegExp][] = [
  // URL forms
  ["not a URL", ["test", "not-a-url"], 2, /"not-a-url" is not a URL/],
  [
    "host:port, no scheme",
    ["test", "127.0.0.1:38307"],
    2,
    /has no scheme: write http:\/\/127\.0\.0\.1:38307/,
  ],
  ["name:port, no scheme", ["test", "localhost:8080"], 2, /"localhost:8080" has no scheme/],
  [
    "host, no scheme",
    ["test", "as.example.com"],
    2,
    /has no scheme: write http:\/\/as\.example\.com/,
  ],
  ["ftp:// URL", ["test", "ftp://x.example"], 2, /ftp:\/\/… cannot be tested/],
  ["http:// with no host", ["test", "http://"], 2, /"http:\/\/" has no host/],
  ["credentials in the URL", ["test", "https://user:s3cr3t@x.example"], 2, /carries credentials/],
  ["query in the URL", ["test", "https://x.example/?a=1"], 2, /no query or fragment/],
  ["nothing listening", ["test", "http://127.0.0.1:{port}"], 2, /connection refused/],
  ["unknown host", ["test", "http://nonexistent.invalid"], 2, /host not found/],
  // options
  ["unknown option", ["test", "--bogus"], 2, /unknown option '--bogus'/],
  ["unknown command", ["tset"], 2, /unknown command 'tset'/],
  ["bad duration", ["test", "--timeout", "soon"], 2, /'soon' is invalid\. not a duration/],
  ["negative duration", ["test", "--max-wait", "-1s"], 2, /'-1s' is invalid/],
  ["zero runs", ["test", "--runs", "0"], 2, /must be at least 1/],
  ["seed not a number", ["test", "--seed", "x"], 2, /not an integer/],
  ["unknown area", ["test", "--area", "nosuch"], 2, /unknown area "nosuch"/],
  ["unknown check id", ["test", "--only", "NOPE-1"], 2, /matches no check/],
  ["unknown profile", ["test", "--profile", "nosuch"], 2, /'nosuch' is invalid/],
  ["unknown report format", ["test", "--report", "xml=out.xml"], 2, /unknown format "xml"/],
  ["report without a path", ["test", "--report", "json"], 2, /json needs a path/],
  [
    "report path is a directory",
    ["test", "--report", "json=dir"],
    2,
    /is a directory; give a file name/,
  ],
  [
    "replay without a last run",
    ["test", "--replay", "DTP-REF-002"],
    2,
    /--replay DTP-REF-002: no last run recorded/,
  ],
  [
    "replay of a requirement ID",
    ["test", "--replay", "DTP-REF-004"],
    2,
    /DTP-REF-004 is a requirement, not a check/,
  ],
  [
    "reserved extra header",
    ["test", "--header", "Authorization: x"],
    2,
    /Authorization is set by the kit/,
  ],
  ["header without a colon", ["test", "--header", "nocolon"], 2, /expected 'Name: value'/],
  [
    "proxy not a URL",
    ["test", "http://127.0.0.1:{port}", "--proxy", "notaurl"],
    2,
    /proxy "notaurl" is not a URL/,
  ],
  ["TLS options without a URL", ["test", "--ca", "x.pem"], 2, /need a target URL/],
  [
    "--cert without --key",
    ["test", "http://127.0.0.1:{port}", "--cert", "ok.json"],
    2,
    /needs its key/,
  ],
  ["port out of range", ["serve", "--port", "99999"], 2, /must be 0–65535/],
  [
    "--tls-cert without --tls-key",
    ["serve", "--tls-cert", "x.pem"],
    2,
    /--tls-cert and --tls-key go together/,
  ],
  ["spec diff without arguments", ["spec", "diff"], 2, /missing required argument 'base'/],
  ["spec lint of an absent file", ["spec", "lint", "absent.yaml"], 2, /absent\.yaml/],
  // files
  ["absent config", ["test", "-c", "absent.json"], 2, /config file .*absent\.json not found/],
  ["config not JSON", ["test", "-c", "bad.json"], 2, /is not valid JSON/],
  ["config against the schema", ["test", "-c", "invalid.json"], 2, /Unrecognized key: "extra"/],
  [
    "config secret from an unset variable",
    ["test", "-c", "env-missing.json"],
    2,
    /DTP_MISUSE_UNSET, which is not set/,
  ],
  ["config is a directory", ["test", "-c", "dir"], 2, /is a directory, not a file/],
  ["config under a file", ["test", "-c", "ok.json/x"], 2, /a part of the path is not a directory/],
  [
    "absent expected-failures file",
    ["test", "--expected-failures", "absent.json"],
    2,
    /expected-failures file .* not found/,
  ],
  [
    "expected failures not JSON",
    ["test", "--expected-failures", "bad.json"],
    2,
    /is not valid JSON/,
  ],
  [
    "expected failures name unknown checks",
    ["test", "--expected-failures", "unknown-ids.json"],
    2,
    /DTP-NOPE-001 is not a check/,
  ],
  [
    "expected failures is a directory",
    ["test", "--expected-failures", "dir"],
    2,
    /is a directory, not a file/,
  ],
  [
    "absent CA file",
    ["test", "http://127.0.0.1:{port}", "--ca", "absent.pem"],
    2,
    /CA file .*absent\.pem not found/,
  ],
  [
    "CA file is a directory",
    ["test", "http://127.0.0.1:{port}", "--ca", "dir"],
    2,
    /is a directory, not a file/,
  ],
  [
    "CA file without a certificate",
    ["test", "http://127.0.0.1:{port}", "--ca", "not-pem.pem"],
    2,
    /no PEM certificate/,
  ],
];
