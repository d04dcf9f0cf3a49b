#pragma once
/// \file
/// The HTML reports mayors, security secretaries and the public read (docs/methods.md §20):
/// `<slug>_report.html` per city and `alliance_report.html`, each one self-contained file
/// (images as data URIs, CSS inline, no script, nothing fetched), in the batch's language,
/// printable on A4. Both are made from the files a run wrote, never from memory, so `vigia
/// run`, `vigia merge` and `vigia report DIR` give the same page for the same outputs.
///
/// Public by default: a city's page is made from `<slug>_public.gpkg` (counts below
/// [publish] min_count suppressed exactly as there, no incident point, no record) or, when
/// the run wrote none, from `<slug>.gpkg` with nothing suppressed (min_count 0, said on the
/// page). The private page (`<slug>_report_private.html`, for the city's own analysts) is
/// made from `<slug>.gpkg` and adds the rejected records' examples and the warnings.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vigia::engine {

struct ReportOptions {
    bool private_copy = false; ///< also write each city's private page
    bool overwrite = false;
};

/// A city or task the alliance page lists: failed in the run, or without a file for its task
/// of the plan (the page says which, never the failure's message: it may quote a record).
struct MissingCity {
    std::string slug;
    bool failed = true;
};

/// The pages written.
struct ReportResult {
    std::vector<std::filesystem::path> written;
    std::vector<std::string> notes; ///< pages asked for and not written, with the reason
};

/// The page of the city whose outputs are in `dir` with slug `slug`: to a temporary file,
/// renamed into place when complete. `is_public` selects the public page (see the file
/// comment). Throws InputError when the city's GeoPackage is missing or was not written by
/// vigia, IoError when the page exists without `overwrite` or cannot be written.
std::filesystem::path write_city_report(const std::filesystem::path& dir, const std::string& slug,
                                        bool is_public, bool overwrite);

/// alliance_report.html of `dir` from alliance.gpkg, alliance.png, forest_<kind>.png and
/// each city's public outputs; `missing` lists cities that failed or are missing.
/// `city_dirs` gives the folder of a city's files when it is not `dir` (vigia merge);
/// `rebuilt` (vigia report) says that cities which failed in the run cannot be listed.
std::filesystem::path write_alliance_report(
    const std::filesystem::path& dir, const std::vector<MissingCity>& missing, bool overwrite,
    const std::map<std::string, std::filesystem::path>& city_dirs = {}, bool rebuilt = false);

/// The report paths a batch writes in `dir`: per city <slug>_report.html (and with
/// `private_copy` <slug>_report_private.html); alliance_report.html with `alliance`.
std::vector<std::filesystem::path> report_paths(const std::filesystem::path& dir,
                                                const std::vector<std::string>& slugs,
                                                bool alliance, bool private_copy);

/// `vigia report DIR`: every city page of the city GeoPackages in `dir` (<slug>.gpkg or
/// <slug>_public.gpkg) and, when alliance.gpkg is there, the alliance page. Throws
/// InputError when `dir` holds no city GeoPackage.
ReportResult rebuild_reports(const std::filesystem::path& dir, const ReportOptions& options);

} // namespace vigia::engine
