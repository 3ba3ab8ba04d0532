// The providers' own webhook code, driven by the Go interop tests:
//
//   node interop.mjs verify    stdin {lib, body (base64), headers, secret}  -> {ok, error}
//   node interop.mjs sign      stdin {lib, body (base64), secret, id, timestamp} -> {headers}
//   node interop.mjs receive LIB SECRET   an HTTP receiver on 127.0.0.1: prints {port},
//                                         then {ok, error} for each request
//
// LIB is a provider's library (github, stripe, standard, svix) or, for
// providers without one, the recipe their documentation gives, written with
// Node's crypto (petstore, slack, shopify, hex).
import crypto from "node:crypto";
import http from "node:http";
import { sign as githubSign, verify as githubVerify } from "@octokit/webhooks-methods";
import Stripe from "stripe";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

const stripe = new Stripe("sk_test_interop"); // webhooks helpers only: no API call is made

function hmac(secret, content, encoding) {
  return crypto.createHmac("sha256", secret).update(content).digest(encoding);
}

function safeEqual(a, b) {
  const x = Buffer.from(a ?? "", "utf8");
  const y = Buffer.from(b ?? "", "utf8");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// verify throws unless the provider's code accepts the request. headers have
// lower-case names, as Node's http module gives them.
async function verify(lib, body, headers, secret) {
  switch (lib) {
    case "petstore": // the Petstore docs: sha256= and the hex HMAC of the raw body
      if (!safeEqual(headers["x-petstore-signature"], "sha256=" + hmac(secret, body, "hex"))) throw new Error("signature mismatch");
      return;
    case "github":
      if (!(await githubVerify(secret, body.toString("utf8"), headers["x-hub-signature-256"]))) throw new Error("signature mismatch");
      return;
    case "stripe":
      stripe.webhooks.constructEvent(body, headers["stripe-signature"], secret, 300);
      return;
    case "standard":
      new StandardWebhook(secret).verify(body.toString("utf8"), headers);
      return;
    case "svix":
      new SvixWebhook(secret).verify(body.toString("utf8"), headers);
      return;
    case "slack": { // Slack's "Verifying requests from Slack"
      const ts = headers["x-slack-request-timestamp"];
      if (!ts || Math.abs(Math.floor(Date.now() / 1000) - Number(ts)) > 60 * 5) throw new Error("timestamp outside five minutes");
      const mine = "v0=" + hmac(secret, Buffer.concat([Buffer.from(`v0:${ts}:`), body]), "hex");
      if (!safeEqual(mine, headers["x-slack-signature"])) throw new Error("signature mismatch");
      return;
    }
    case "shopify": // Shopify's "Verify a webhook": base64 HMAC of the raw body
      if (!safeEqual(hmac(secret, body, "base64"), headers["x-shopify-hmac-sha256"])) throw new Error("signature mismatch");
      return;
    case "hex":
      if (!safeEqual(hmac(secret, body, "hex"), headers["x-webhook-signature"])) throw new Error("signature mismatch");
      return;
  }
  throw new Error(`unknown lib ${lib}`);
}

// sign returns the headers the provider's code puts on a request.
async function sign(lib, body, secret, id, timestamp) {
  const text = body.toString("utf8");
  switch (lib) {
    case "petstore":
      return { "X-Petstore-Signature": "sha256=" + hmac(secret, body, "hex") };
    case "github":
      return { "X-Hub-Signature-256": await githubSign(secret, text) };
    case "stripe":
      return { "Stripe-Signature": stripe.webhooks.generateTestHeaderString({ payload: text, secret, timestamp }) };
    case "standard":
      return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": new StandardWebhook(secret).sign(id, new Date(timestamp * 1000), text) };
    case "svix":
      return { "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": new SvixWebhook(secret).sign(id, new Date(timestamp * 1000), text) };
    case "slack":
      return { "X-Slack-Request-Timestamp": String(timestamp), "X-Slack-Signature": "v0=" + hmac(secret, Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]), "hex") };
    case "shopify":
      return { "X-Shopify-Hmac-Sha256": hmac(secret, body, "base64") };
    case "hex":
      return { "X-Webhook-Signature": hmac(secret, body, "hex") };
  }
  throw new Error(`unknown lib ${lib}`);
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function lowerKeys(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const [command, ...args] = process.argv.slice(2);
if (command === "verify") {
  const req = await readStdin();
  try {
    await verify(req.lib, Buffer.from(req.body, "base64"), lowerKeys(req.headers), req.secret);
    console.log(JSON.stringify({ ok: true }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e.message ?? e) }));
  }
} else if (command === "sign") {
  const req = await readStdin();
  console.log(JSON.stringify({ headers: await sign(req.lib, Buffer.from(req.body, "base64"), req.secret, req.id, req.timestamp) }));
} else if (command === "receive") {
  const [lib, secret] = args;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      try {
        await verify(lib, Buffer.concat(chunks), req.headers, secret);
        console.log(JSON.stringify({ ok: true }));
        res.writeHead(200).end("{}");
      } catch (e) {
        console.log(JSON.stringify({ ok: false, error: String(e.message ?? e) }));
        res.writeHead(400).end(JSON.stringify({ error: String(e.message ?? e) }));
      }
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
} else {
  console.error("usage: node interop.mjs verify|sign|receive LIB SECRET");
  process.exit(2);
}
