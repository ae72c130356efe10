package io.dropwise.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/** The console's sign-in page: one small, self-contained HTML form (no script, no external resource). */
final class LoginPage {

    private LoginPage() {
    }

    static void write(HttpServletResponse response, int status, String next, String error) throws IOException {
        write(response, status, next, error, "");
    }

    static void write(HttpServletResponse response, int status, String next, String error, String username) throws IOException {
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in · Dropwise</title>
                <style>
                  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
                       font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f9;color:#1d2433}
                  main{background:#fff;padding:32px 36px;border-radius:12px;box-shadow:0 4px 24px rgba(20,30,60,.10);width:340px}
                  h1{font-size:22px;margin:0 0 4px} p.sub{margin:0 0 20px;color:#5b6478}
                  label{display:block;font-weight:600;margin:14px 0 4px}
                  input{box-sizing:border-box;width:100%;padding:9px 10px;border:1px solid #c9cfdb;border-radius:6px;font:inherit}
                  input:focus{outline:2px solid #3b6ee8;border-color:#3b6ee8}
                  button{margin-top:22px;width:100%;padding:10px;border:0;border-radius:6px;background:#3b6ee8;color:#fff;
                         font:inherit;font-weight:600;cursor:pointer}
                  .error{background:#fdecec;color:#9b1c1c;border-radius:6px;padding:9px 12px;margin-bottom:6px}
                </style></head>
                <body><main>
                <h1>Dropwise</h1><p class="sub">Operator console: sign in with your operator account.</p>
                {{error}}
                <form method="post" action="{{action}}">
                <input type="hidden" name="next" value="{{next}}">
                <label for="username">User name</label>
                <input id="username" name="username" autocomplete="username" value="{{username}}" required autofocus>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit" data-test="sign-in">Sign in</button>
                </form></main></body></html>
                """.replace("{{error}}", error == null ? "" : "<div class=\"error\" role=\"alert\" data-test=\"sign-in-error\">" + escape(error) + "</div>")
                .replace("{{action}}", ConsoleSecurityProvider.LOGIN).replace("{{next}}", escape(next))
                .replace("{{username}}", escape(username == null ? "" : username));
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
