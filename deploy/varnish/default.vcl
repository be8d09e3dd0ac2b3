vcl 4.1;
# Newsroom's edge cache: Varnish 7 with the xkey vmod (Debian: varnish, varnish-modules).
#
# Readers' pages are kept until a write purges them by key: each response names the
# dependency keys of what it shows in its xkey header (an article, a tag's listing, ...)
# and the app's background worker sends PURGE with the write's keys in xkey-purge
# (EDGE_PURGE_URLS). A purge is hard: the copy is deleted, no grace. Grace serves the
# copies nobody purged while they are fetched afresh, and for up to a day while the app
# servers do not answer. Staff (a newsroom_staff or session cookie), the admin and every
# write pass straight through. See docs/DEPLOY.md.

import std;
import xkey;

# The app servers (gunicorn). With several, one backend each behind a director.
backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        # The probe waits in the same queue as readers' requests: an app busy with
        # first renders answered it in over a second, was counted sick, and Varnish
        # answered every miss meanwhile with a 503. A stopped app still fails at once.
        .timeout = 4s;
        .window = 3;
        .threshold = 2;
    }
}

# Who may purge: the app servers' addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge == "*") {
            # Everything changed (a vocabulary entry renamed or merged).
            ban("obj.status != 0");
            return (synth(200, "Banned every object"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.n-gone + " objects"));
        }
        return (synth(400, "Name the keys to purge in xkey-purge"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|healthz|readyz|csp-report)(/|$|\?)") {
        return (pass);
    }
    # Logged-in staff get their own pages (drafts in previews, never cached).
    if (req.http.Cookie ~ "(^|;\s*)(newsroom_staff|sessionid)=") {
        return (pass);
    }
    # An API token: the answer is the token holder's (drafts), never shared.
    if (req.http.Authorization) {
        return (pass);
    }
    # The API's article varies on Accept (ninjs or JSON): two variants, not one per
    # client's Accept string.
    if (req.url ~ "^/api/") {
        if (req.http.Accept ~ "application/ninjs\+json") {
            set req.http.Accept = "application/ninjs+json";
        } else {
            unset req.http.Accept;
        }
    }
    # Any other cookie is a reader's: the page is the same for every reader.
    unset req.http.Cookie;
    set req.url = std.querysort(req.url);
    # While the app answers, a copy past its time is served only while it is fetched
    # afresh; while it does not, for as long as its grace lasts.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control ~ "(?i)no-store") {
        # The app rendered this while a write to what it shows committed (or it is an
        # outage page): the purge for that write may have come before it. Keep nothing,
        # not even a hit-for-miss marker: the next reader's request fetches afresh.
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    if (beresp.status == 200 && beresp.http.xkey) {
        # Purged by key on every write: kept until what the page shows changes with the
        # clock alone, as the app says in Surrogate-Control (its own page cache's
        # lifetime for the page: NEWSROOM_PAGE_CACHE_TIMEOUT at most, less for a page
        # with a related list or a coverage chart); the app's short s-maxage is for
        # nginx, which cannot purge.
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 300s);
        set beresp.grace = 24h;
    } elsif (beresp.status == 404 || beresp.status == 410) {
        set beresp.ttl = 10s;
        set beresp.grace = 0s;
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
    unset resp.http.xkey;
    unset resp.http.Surrogate-Control;
}
