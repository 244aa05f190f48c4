// Cookies per spider (and per `meta.cookiejar` key), on tough-cookie. Skipped entirely until a
// site sets a cookie, so cookie-less crawls pay nothing per request.
import { CookieJar } from "tough-cookie";

export class Cookies {
  private readonly jars = new Map<string, CookieJar>();
  private any = false;

  header(url: string, jarKey: string): string {
    if (!this.any) return "";
    const jar = this.jars.get(jarKey);
    return jar ? jar.getCookieStringSync(url) : "";
  }

  store(url: string, setCookie: string[], jarKey: string): void {
    if (setCookie.length === 0) return;
    let jar = this.jars.get(jarKey);
    if (!jar) {
      jar = new CookieJar();
      this.jars.set(jarKey, jar);
    }
    for (const c of setCookie) {
      try {
        if (jar.setCookieSync(c, url)) this.any = true;
      } catch {
        // A cookie the URL may not set (wrong domain, bad syntax) is ignored, as browsers do.
      }
    }
  }
}
