#include "io/connection.hpp"

#include "analysis/error.hpp"

#include <cctype>
#include <map>
#include <mutex>

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

std::string remember_connection(const std::string& connection) {
    std::string redacted = redact_connection(connection);
    if (redacted == connection) return redacted;
    Remembered& r = remembered();
    std::lock_guard lock{r.mutex};
    auto [it, fresh] = r.secrets.try_emplace(redacted, connection);
    if (!fresh && it->second != connection)
        throw InputError{redacted + ": two connections differ only in their password; keep "
                                    "passwords in pg_service.conf or ~/.pgpass instead"};
    return redacted;
}

std::string connection_secret(const std::string& redacted) {
    Remembered& r = remembered();
    std::lock_guard lock{r.mutex};
    const auto it = r.secrets.find(redacted);
    return it == r.secrets.end() ? redacted : it->second;
}

} // namespace vigia::io
