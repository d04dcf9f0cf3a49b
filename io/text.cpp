#include "io/text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iconv.h>
#include <stdexcept>

namespace vigia::io {

std::size_t first_invalid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII runs, eight bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07u;
        } else {
            return i;
        }
        if (i + len > n) return i;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i;
        i += len;
    }
    return std::string_view::npos;
}

bool valid_utf8(std::string_view s) noexcept {
    return first_invalid_utf8(s) == std::string_view::npos;
}

namespace {

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Windows-1252's 0x80–0x9F (0 where it defines no character).
constexpr unsigned short kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string upper_ascii(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

} // namespace

std::string cp1252_to_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80)
            out += ch;
        else if (c < 0xA0)
            append_utf8(out, kCp1252High[c - 0x80] ? kCp1252High[c - 0x80] : 0xFFFD);
        else
            append_utf8(out, c);
    }
    return out;
}

Recoder::Recoder(const std::string& encoding) : m_name{upper_ascii(encoding)} {
    if (m_name == "UTF-8" || m_name == "UTF8") {
        m_kind = Kind::utf8;
        m_name = "UTF-8";
    } else if (m_name == "CP1252" || m_name == "WINDOWS-1252" || m_name == "WINDOWS1252") {
        m_kind = Kind::cp1252;
        m_name = "CP1252";
    } else if (m_name == "ISO-8859-1" || m_name == "LATIN1" || m_name == "LATIN-1" ||
               m_name == "ISO8859-1") {
        m_kind = Kind::latin1;
        m_name = "ISO-8859-1";
    } else {
        iconv_t cd = iconv_open("UTF-8", m_name.c_str());
        if (cd == reinterpret_cast<iconv_t>(-1))
            throw std::invalid_argument{"unknown encoding '" + encoding + "'"};
        m_kind = Kind::iconv;
        m_cd = cd;
    }
}

Recoder::~Recoder() {
    if (m_cd) iconv_close(static_cast<iconv_t>(m_cd));
}

Recoder::Recoder(Recoder&& o) noexcept
    : m_kind{o.m_kind}, m_name{std::move(o.m_name)}, m_cd{o.m_cd} {
    o.m_cd = nullptr;
}

Recoder& Recoder::operator=(Recoder&& o) noexcept {
    if (this != &o) {
        if (m_cd) iconv_close(static_cast<iconv_t>(m_cd));
        m_kind = o.m_kind;
        m_name = std::move(o.m_name);
        m_cd = o.m_cd;
        o.m_cd = nullptr;
    }
    return *this;
}

std::string Recoder::to_utf8(std::string_view s) const {
    switch (m_kind) {
    case Kind::utf8: {
        // Declared UTF-8 that is not: keep what is valid, replace the rest.
        if (valid_utf8(s)) return std::string{s};
        std::string out;
        while (!s.empty()) {
            const std::size_t bad = first_invalid_utf8(s);
            if (bad == std::string_view::npos) {
                out += s;
                break;
            }
            out += s.substr(0, bad);
            out += "\xEF\xBF\xBD";
            s.remove_prefix(bad + 1);
        }
        return out;
    }
    case Kind::cp1252:
        return cp1252_to_utf8(s);
    case Kind::latin1: {
        std::string out;
        for (char ch : s)
            append_utf8(out, static_cast<unsigned char>(ch));
        return out;
    }
    case Kind::iconv:
        break;
    }
    auto cd = static_cast<iconv_t>(m_cd);
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
    std::string out;
    std::string in{s};
    char* inp = in.data();
    std::size_t inleft = in.size();
    char buf[256];
    while (inleft > 0) {
        char* outp = buf;
        std::size_t outleft = sizeof buf;
        const std::size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
        out.append(buf, static_cast<std::size_t>(outp - buf));
        if (r == static_cast<std::size_t>(-1)) {
            if (errno == E2BIG) continue;
            out += "\xEF\xBF\xBD"; // an unmappable or truncated byte
            ++inp;
            --inleft;
        }
    }
    return out;
}

std::optional<double> parse_decimal(std::string_view s, Decimal decimal, bool* used_comma) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    if (s.empty() || s.size() > 64) return std::nullopt;
    char buf[72];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    const char* comma = static_cast<const char*>(std::memchr(buf, ',', s.size()));
    const char* point = static_cast<const char*>(std::memchr(buf, '.', s.size()));
    bool comma_used = false;
    if (comma) {
        // One comma, no point: a decimal comma ("-103,34"). Anything else is not a number.
        if (decimal == Decimal::point || point ||
            std::memchr(comma + 1, ',', s.size() - static_cast<std::size_t>(comma - buf) - 1))
            return std::nullopt;
        buf[comma - buf] = '.';
        comma_used = true;
    } else if (point && decimal == Decimal::comma) {
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(buf, &end);
    if (end == buf || *end != '\0' || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
    // strtod also reads hexadecimal and "inf"/"nan": only plain decimals are coordinates.
    for (const char* p = buf; *p; ++p)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+' || *p == 'e' ||
              *p == 'E'))
            return std::nullopt;
    if (used_comma) *used_comma = comma_used;
    return v;
}

std::optional<long long> key_number(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    // A trailing ".0" (a number stored as a real by a spreadsheet) is still a whole number.
    if (const std::size_t dot = s.find('.'); dot != std::string_view::npos) {
        if (s.substr(dot + 1).find_first_not_of('0') != std::string_view::npos) return std::nullopt;
        s = s.substr(0, dot);
    }
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 18) return std::nullopt;
    long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
}

std::string fold_name(std::string_view s) {
    std::string out;
    bool blank = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        char c = 0;
        if (u < 0x80) {
            if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
                c = static_cast<char>(u);
            else if (u >= 'A' && u <= 'Z')
                c = static_cast<char>(u - 'A' + 'a');
        } else if ((u & 0xE0) == 0xC0 && i + 1 < s.size()) {
            const unsigned cp = ((u & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
            ++i;
            static constexpr const char* latin1 = // U+00C0 … U+00FF folded
                "aaaaaaaceeeeiiiidnooooo ouuuuyts"
                "aaaaaaaceeeeiiiidnooooo ouuuuyty";
            if (cp >= 0xC0 && cp <= 0xFF) {
                c = latin1[cp - 0xC0];
                if (c == ' ') c = 0;
                if (cp == 0xDF) { // ß
                    if (blank && !out.empty()) out += ' ';
                    blank = false;
                    out += "ss";
                    continue;
                }
            } else {
                c = 0;
            }
        } else {
            // Other letters (three- and four-byte UTF-8) are kept as they are.
            std::size_t len = (u & 0xF0) == 0xE0 ? 3 : (u & 0xF8) == 0xF0 ? 4 : 1;
            if (blank && !out.empty()) out += ' ';
            blank = false;
            out.append(s.substr(i, std::min(len, s.size() - i)));
            i += len - 1;
            continue;
        }
        if (c) {
            if (blank && !out.empty()) out += ' ';
            blank = false;
            out += c;
        } else if (u == ' ' || u == '\t' || u == '-' || u == '_' || u == '/') {
            blank = true; // a separator between words
        }
        // other punctuation (. , ' " ( )) is dropped without separating
    }
    return out;
}

} // namespace vigia::io
