#pragma once
/// \file
/// Test helpers: a temporary folder, running the vigia binary, reading GeoPackages with GDAL.

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vigia::test {

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }
    /// Writes `text` to a file in the folder and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text) const;
    /// Names of the entries in the folder (recursively, relative), sorted.
    std::vector<std::string> listing() const;

private:
    std::filesystem::path m_path;
};

struct RunResult {
    int exit_code = -1;
    std::string out, err;
};

/// Runs build/bin/vigia with `args` (shell-quoted here), capturing stdout and stderr.
RunResult run_vigia(const std::vector<std::string>& args);
/// Runs `program` (found on PATH when it has no slash) with `args`, as run_vigia does.
RunResult run_program(const std::string& program, const std::vector<std::string>& args);

/// Path of a committed fixture in tests/data, or of the repo's data/.
std::filesystem::path fixture(const std::string& name);
std::filesystem::path repo_data(const std::string& name);

/// Opens a GeoPackage (or any vector file) read-only, failing the test when it cannot.
GDALDatasetUniquePtr open_read(const std::filesystem::path& path);

/// Sum of a numeric field over a layer.
double sum_field(GDALDataset& ds, const std::string& layer, const std::string& field);
/// The run_info table as a map.
std::map<std::string, std::string> run_info(GDALDataset& ds);
/// Names of the layers, in order.
std::vector<std::string> layer_names(GDALDataset& ds);
/// An 8-bit RGB pixel.
struct Rgb {
    int r = 0, g = 0, b = 0;
};

/// A PNG read back through GDAL's PNG driver, as 8-bit RGB.
struct Image {
    int width = 0, height = 0;
    std::vector<unsigned char> band[3];
    /// The pixel holding (x, y) (pixel coordinates, fractions floored).
    Rgb at(double x, double y) const;
};

/// Reads a PNG, failing the test when it is not one or has fewer than 3 bands.
Image read_png(const std::filesystem::path& path);

/// Names of a layer's fields, in order.
std::vector<std::string> field_names(GDALDataset& ds, const std::string& layer);

} // namespace vigia::test
