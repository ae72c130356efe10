import base64, hmac, hashlib, json, sys, time
secret, prefix, n, out = sys.argv[1].encode(), sys.argv[2], int(sys.argv[3]), sys.argv[4]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
exp = int(time.time()) + 3 * 3600
with open(out, "w") as f:
    for i in range(n):
        payload = b64(json.dumps({"sub": f"{prefix}-{i}", "tier": "standard", "exp": exp}, separators=(",", ":")).encode())
        signing = header + b"." + payload
        sig = b64(hmac.new(secret, signing, hashlib.sha256).digest())
        f.write((signing + b"." + sig).decode() + "\n")
