#pragma once
/// \file
/// Writing a city's layers — those its stages emitted, in their declared order — as the
/// city's GeoPackage, its shareable copy and its kernel density raster, all to temporary
/// files that commit() puts in place.

#include "engine/context.hpp"
#include "engine/layers.hpp"
#include "io/gpkg_writer.hpp"
#include "io/incident_reader.hpp"

#include <filesystem>
#include <memory>

namespace vigia::engine {

/// A city's files written to temporary paths beside their targets; commit() renames them
/// into place, and they are removed if it never runs.
class CityFiles {
public:
    std::unique_ptr<io::GpkgWriter> full;     ///< <slug>.gpkg, closed
    std::unique_ptr<io::GpkgWriter> pub;      ///< <slug>_public.gpkg, closed (null: not asked for)
    std::filesystem::path tif_tmp, tif_final; ///< the kernel density raster (empty: none)
    std::filesystem::path png_tmp, png_final; ///< the city's map (empty: none)
    /// Other pictures (the forest plots): temporary path → final path.
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> pictures;
    bool overwrite = false;

    CityFiles() = default;
    CityFiles(CityFiles&& o) noexcept;
    CityFiles& operator=(CityFiles&&) = delete;
    ~CityFiles();
    /// Renames every file into place (an old <slug>_kde.tif is removed when none was made).
    void commit();

private:
    bool m_committed = false;
};

/// Writes every layer of `sink` (and run_info, last) to a temporary GeoPackage for `path`;
/// with a `public_path`, the shareable copy (docs/methods.md §14) beside it, each layer by
/// its declaration; the kernel density raster as <slug>_kde.tif. Nothing is in place until
/// commit().
CityFiles write_city(CityContext& ctx, LayerSink& sink, const std::filesystem::path& path,
                     const std::filesystem::path& public_path, bool overwrite,
                     const io::ProgressFn& progress);

} // namespace vigia::engine
