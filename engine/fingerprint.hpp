#pragma once
/// \file
/// The method fingerprint of a city's run (docs/methods.md §18): everything that makes two
/// cities' numbers comparable, so that `vigia merge` can refuse to put side by side numbers
/// that came from different methods. It covers the [analysis] table after defaults (with its
/// kde and near_repeat tables), the [publish] rules, the ICCS table and Vigía's version; not
/// the city's own inputs (its files, fields and category map, recorded beside it in run_info).

#include "engine/manifest.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vigia::engine {

using Parameters = std::vector<std::pair<std::string, std::string>>;

/// The parameters of the fingerprint as run_info records them (key, value), in a fixed order:
/// the declared echoes of [analysis], [analysis.kde], [analysis.near_repeat] and [publish],
/// then `iccs_table` (a hash of the built-in ICCS table) and `vigia_version`.
Parameters method_parameters(const Manifest& m);

/// "fnv1a64:<16 hex digits>" of the parameters (FNV-1a over "key=value\n" lines): a check of
/// consistency between files, not a security measure.
std::string fingerprint(const Parameters& parameters);

/// The keys method_parameters gives (what `merge` compares when two fingerprints differ).
std::vector<std::string> method_keys();

/// FNV-1a 64 of bytes, as 16 hex digits (the ICCS table's and a category map's hash).
std::string fnv1a64_hex(std::string_view bytes);

} // namespace vigia::engine
