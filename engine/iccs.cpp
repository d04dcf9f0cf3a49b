#include "engine/iccs.hpp"

#include "analysis/error.hpp"
#include "engine/labels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace vigia::engine {

/// data/categories/iccs.csv as text (generated/engine/iccs_table.cpp, made by CMake).
extern const char* const kIccsCsv;

namespace {

/// Splits one CSV line (fields may be quoted, with "" for a quote).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else if (c != '\r') {
            out.back() += c;
        }
    }
    return out;
}

std::vector<IccsCode> parse_table() {
    std::vector<IccsCode> codes;
    const std::string_view text{kIccsCsv};
    std::size_t pos = 0;
    bool header = true;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty()) continue;
        if (header) {
            header = false;
            continue;
        }
        const auto f = split_csv(line);
        if (f.size() != 6)
            throw VigiaError{fmt::format("built-in ICCS table: line '{}' has {} fields, not 6",
                                         std::string{line}, f.size())};
        codes.push_back({f[0], std::stoi(f[1]), {f[2], f[3], f[4], f[5]}});
    }
    return codes;
}

std::size_t language_index(Language language) noexcept {
    return static_cast<std::size_t>(language); // en, es, pt, fr: the table's column order
}

} // namespace

const std::vector<IccsCode>& iccs_codes() {
    static const std::vector<IccsCode> codes = parse_table();
    return codes;
}

const IccsCode* find_iccs(std::string_view code) {
    const auto& codes = iccs_codes();
    const auto it =
        std::find_if(codes.begin(), codes.end(), [&](const IccsCode& c) { return c.code == code; });
    return it == codes.end() ? nullptr : &*it;
}

std::string iccs_name(std::string_view code, Language language) {
    const IccsCode* c = find_iccs(code);
    return c ? c->names[language_index(language)] : std::string{code};
}

std::string category_label(std::string_view category, Language language) {
    return category == "all" ? text(language, "all_offences") : iccs_name(category, language);
}

bool iccs_within(std::string_view code, std::string_view category) noexcept {
    if (category.empty() || code.size() < category.size()) return false;
    if (code.substr(0, category.size()) != category) return false;
    return std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace vigia::engine
