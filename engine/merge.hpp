#pragma once
/// \file
/// `vigia merge`: the alliance outputs (alliance.gpkg, .csv, .png) built from city GeoPackages
/// computed elsewhere — by `vigia run --task` on many machines, or by each city on its own
/// (federated, from <slug>_public.gpkg). The method fingerprints must agree; the batch-wide
/// class breaks are pooled over the merged cities and the city files restyled on them, so a
/// merge equals a single-process batch of the same cities, value for value.

#include "engine/database.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

struct MergeOptions {
    /// <slug>.gpkg or <slug>_public.gpkg files, or folders of them (in a folder, a city's
    /// <slug>.gpkg is taken over its <slug>_public.gpkg; --public takes the public ones).
    std::vector<std::filesystem::path> inputs;
    std::filesystem::path out_dir = "out";
    std::optional<std::filesystem::path> plan; ///< plan.tsv: list its missing tasks
    bool public_only = false;
    bool overwrite = false;
    /// `-o PG:…`: alliance.gpkg then published into `vigia_alliance`; `out_dir` holds the files.
    std::optional<DatabaseOutput> database;
};

struct MergeResult {
    std::vector<std::string> merged;  ///< slugs, in the alliance's order
    std::vector<std::string> missing; ///< plan tasks without a city file ("2 ville-haute")
};

/// Merges. Throws InputError (nothing written) when two files hold the same slug or the
/// method fingerprints differ (naming each differing parameter with its values and cities),
/// and IoError when an alliance file exists without `overwrite`.
MergeResult merge_cities(const MergeOptions& options, std::FILE* out = stdout);

} // namespace vigia::engine
