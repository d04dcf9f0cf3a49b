#include "io/connection.hpp"

#include "analysis/error.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <vector>

namespace vigia::io {

namespace {

bool iequal_prefix(std::string_view text, std::size_t at, std::string_view word) {
    if (text.size() - at < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
    return true;
}

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The end of a libpq value starting at `i`: a quoted one ('…', backslash escapes) or a run of
/// non-blank characters.
std::size_t value_end(std::string_view s, std::size_t i) {
    if (i < s.size() && s[i] == '\'') {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '\\' && i + 1 < s.size()) {
                ++i;
                continue;
            }
            if (s[i] == '\'') return i + 1;
        }
        return s.size();
    }
    while (i < s.size() && !blank(s[i]))
        ++i;
    return i;
}

/// The password of a URI's user information, `scheme://user:password@host`.
std::string redact_uri(std::string text) {
    for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
        std::size_t at = 0;
        while ((at = text.find(scheme, at)) != std::string::npos) {
            const std::size_t start = at + scheme.size();
            const std::size_t stop = text.find_first_of("/?# \t", start);
            const std::size_t auth_end =
                text.rfind('@', stop == std::string::npos ? text.size() : stop);
            if (auth_end != std::string::npos && auth_end >= start) {
                const std::size_t colon = text.find(':', start);
                if (colon != std::string::npos && colon < auth_end)
                    text.replace(colon + 1, auth_end - colon - 1, "***");
            }
            at = start;
        }
    }
    return text;
}

struct Remembered {
    std::mutex mutex;
    std::map<std::string, std::string> secrets; // redacted -> real
};

Remembered& remembered() {
    static Remembered r;
    return r;
}

} // namespace

bool is_postgres(std::string_view path) noexcept {
    return iequal_prefix(path, 0, "pg:");
}

std::string redact_connection(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        // `password` as a keyword: at the start, after a blank, ':', '?' or '&'.
        const char prev = i > 0 ? text[i - 1] : '\0';
        const bool boundary = i == 0 || blank(prev) || prev == ':' || prev == '?' || prev == '&';
        if (boundary && iequal_prefix(text, i, "password")) {
            std::size_t j = i + 8;
            while (j < text.size() && blank(text[j]))
                ++j;
            if (j < text.size() && text[j] == '=') {
                ++j;
                while (j < text.size() && blank(text[j]))
                    ++j;
                // In a URI's query the value ends at '&'.
                std::size_t end = value_end(text, j);
                if (prev == '?' || prev == '&') {
                    const std::size_t amp = text.find('&', j);
                    if (amp != std::string_view::npos && amp < end) end = amp;
                }
                out.append(text.substr(i, j - i));
                out += "***";
                i = end;
                continue;
            }
        }
        out += text[i++];
    }
    return redact_uri(std::move(out));
}

namespace {

/// GDAL's own keywords in a `PG:` string, which libpq does not know.
bool gdal_keyword(std::string_view key) {
    return key == "active_schema" || key == "schemas" || key == "tables";
}

/// The words of a keyword/value string: each `key=value` (a value quoted or not, backslash
/// escapes kept) as it was written.
std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        if (i >= s.size()) break;
        const std::size_t start = i;
        while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        while (i < s.size() && (std::isspace(static_cast<unsigned char>(s[i])) || s[i] == '='))
            ++i;
        if (i < s.size() && s[i] == '\'') {
            for (++i; i < s.size() && s[i] != '\''; ++i)
                if (s[i] == '\\') ++i;
            ++i;
        } else {
            while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
                if (s[i] == '\\') ++i;
                ++i;
            }
        }
        out.emplace_back(s.substr(start, std::min(i, s.size()) - start));
    }
    return out;
}

std::string key_of(const std::string& word) {
    std::size_t e = 0;
    while (e < word.size() && word[e] != '=' && !std::isspace(static_cast<unsigned char>(word[e])))
        ++e;
    return word.substr(0, e);
}

/// A value as libpq reads it back: quoted when it holds a blank, a quote or a backslash.
std::string conninfo_value(std::string_view v) {
    const bool plain = !v.empty() && std::none_of(v.begin(), v.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\';
    });
    if (plain) return std::string{v};
    std::string q = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') q += '\\';
        q += c;
    }
    return q + "'";
}

struct ParsedConnection {
    std::string shown; ///< the redacted form
    bool secret = false;
};

/// `PG:…` parsed by libpq itself (PQconninfoParse: keyword/value strings and URIs, every
/// quoting and escape libpq knows) and written back with `password` and `sslpassword` as ***.
ParsedConnection parse_connection(const std::string& connection) {
    const std::string libpq = libpq_conninfo(connection);
    std::string gdal;
    const std::string body = connection.substr(3);
    if (body.rfind("postgresql://", 0) != 0 && body.rfind("postgres://", 0) != 0)
        for (const std::string& w : words(body))
            if (gdal_keyword(key_of(w))) gdal += " " + w;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(libpq.c_str(), &error);
    if (!options) {
        // libpq's message may quote the text, password and all: not shown.
        if (error) PQfreemem(error);
        throw InputError{"PG:...: libpq cannot parse this connection string (it is not shown "
                         "here: it may hold a password); check its quotes, or use a service "
                         "(PG:service=...) and ~/.pgpass"};
    }
    ParsedConnection p;
    std::string shown;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        const std::string_view key = o->keyword;
        const bool hidden = key == "password" || key == "sslpassword";
        p.secret = p.secret || hidden;
        shown += (shown.empty() ? "" : " ") + std::string{key} + "=" +
                 (hidden ? std::string{"***"} : conninfo_value(o->val));
    }
    PQconninfoFree(options);
    p.shown = "PG:" + shown + gdal;
    return p;
}

} // namespace

std::string libpq_conninfo(const std::string& gdal) {
    const std::string body = gdal.substr(std::min<std::size_t>(3, gdal.size()));
    if (body.rfind("postgresql://", 0) == 0 || body.rfind("postgres://", 0) == 0) return body;
    std::string out;
    for (const std::string& w : words(body))
        if (!gdal_keyword(key_of(w))) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string remember_connection(const std::string& connection) {
    ParsedConnection parsed = parse_connection(connection);
    // No secret: kept as written (the user's own spelling in messages).
    if (!parsed.secret) return connection;
    Remembered& r = remembered();
    std::lock_guard lock{r.mutex};
    auto [it, fresh] = r.secrets.try_emplace(parsed.shown, connection);
    if (!fresh && it->second != connection)
        throw InputError{parsed.shown + ": two connections differ only in their password; keep "
                                        "passwords in pg_service.conf or ~/.pgpass instead"};
    return parsed.shown;
}

std::string connection_secret(const std::string& redacted) {
    Remembered& r = remembered();
    std::lock_guard lock{r.mutex};
    const auto it = r.secrets.find(redacted);
    return it == r.secrets.end() ? redacted : it->second;
}

} // namespace vigia::io
