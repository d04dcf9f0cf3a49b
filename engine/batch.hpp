#pragma once
/// \file
/// Running a manifest: every selected city through the same pipeline and parameters.
/// A city that fails is reported and the others still run.

#include "engine/manifest.hpp"
#include "engine/pipeline.hpp"
#include "engine/styles.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace vigia::engine {

struct CityFailure {
    std::string slug;
    std::string message;
};

struct BatchResult {
    std::vector<CityResult> done;
    std::vector<CityFailure> failed;
    std::string alliance_error; ///< the alliance's outputs could not be written (then exit 1)
};

/// Runs the cities whose slugs are in `only` (all when empty; an unknown slug is a
/// UsageError). Writes each city's summary to `out` as it finishes and each failure to `err`.
BatchResult run_manifest(const Manifest& manifest, const RunOptions& options,
                         const std::vector<std::string>& only, std::FILE* out = stdout,
                         std::FILE* err = stderr);

/// The class breaks of the graduated styles, shared by every city of the batch
/// (docs/methods.md §14).
SharedBreaks batch_breaks(const std::vector<CityResult>& cities);

/// Whether the city's GeoPackages in `out_dir` (<slug>.gpkg, and <slug>_public.gpkg with
/// [publish]) exist, complete (they are renamed into place only then), with the method
/// fingerprint this manifest gives: `vigia run --task N --skip-complete` then does nothing.
bool city_complete(const Manifest& manifest, const CityConfig& city,
                   const std::filesystem::path& out_dir);

/// The on-screen summary of one city.
std::string summary(const CityResult& r);

} // namespace vigia::engine
