#include "engine/fingerprint.hpp"

#include "engine/iccs.hpp"
#include "engine/manifest_keys.hpp"
#include "engine/manifest_table.hpp"
#include "engine/provenance.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace vigia::engine {

std::string fnv1a64_hex(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ull; // FNV-1a 64 offset basis
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull; // FNV-1a 64 prime
    }
    return fmt::format("{:016x}", h);
}

namespace {

std::string iccs_table_hash() {
    std::string text;
    for (const IccsCode& c : iccs_codes()) {
        text += fmt::format("{},{}", c.code, c.level);
        for (const std::string& n : c.names)
            text += "," + n;
        text += '\n';
    }
    return fnv1a64_hex(text);
}

} // namespace

Parameters method_parameters(const Manifest& m) {
    Parameters out;
    detail::analysis_keys().echo(m.analysis, out);
    detail::kde_keys().echo(m.analysis.kde, out);
    detail::near_repeat_keys().echo(m.analysis.near_repeat, out);
    detail::publish_keys().echo(m.publish, out);
    out.emplace_back("iccs_table", iccs_table_hash());
    out.emplace_back("vigia_version", vigia_version());
    return out;
}

std::string fingerprint(const Parameters& parameters) {
    std::string text;
    for (const auto& [k, v] : parameters)
        text += k + "=" + v + "\n";
    return "fnv1a64:" + fnv1a64_hex(text);
}

std::vector<std::string> method_keys() {
    std::vector<std::string> keys;
    for (const auto& [k, v] : method_parameters(Manifest{}))
        keys.push_back(k);
    return keys;
}

} // namespace vigia::engine
