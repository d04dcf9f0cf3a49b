#pragma once
/// \file
/// The alliance outputs of a batch: every city's comparable metrics side by side.

#include "engine/pipeline.hpp"

#include <filesystem>
#include <vector>

namespace vigia::engine {

/// `<dir>/alliance.gpkg` (layer `cities`: each boundary in EPSG:4326 with one field per
/// metric; table `metrics`: city, slug, category, metric, value, unit, description) and
/// `<dir>/alliance.csv` (the same long table), each written to a temporary file and renamed.
/// Values of a category with fewer than `min_count` incidents are suppressed (empty).
void write_alliance(const std::filesystem::path& dir, const std::vector<CityResult>& cities,
                    bool overwrite, Language language = Language::en, double min_count = 0);

/// The alliance file paths in `dir`: alliance.gpkg, alliance.csv, alliance.png and
/// alliance_report.html (engine/report.hpp writes the last).
std::vector<std::filesystem::path> alliance_paths(const std::filesystem::path& dir);

} // namespace vigia::engine
