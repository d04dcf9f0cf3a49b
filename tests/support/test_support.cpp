#include "tests/support/test_support.hpp"

#include "io/gdal_util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace vigia::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path p = fs::temp_directory_path() / ("vigia-test-" + std::to_string(rd()));
        if (fs::create_directory(p)) {
            m_path = p;
            return;
        }
    }
    throw std::runtime_error{"cannot create a temporary directory"};
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

fs::path TempDir::write(const std::string& name, const std::string& text) const {
    const fs::path p = m_path / name;
    fs::create_directories(p.parent_path());
    std::ofstream out{p, std::ios::binary};
    out << text;
    return p;
}

std::vector<std::string> TempDir::listing() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(m_path))
        out.push_back(fs::relative(e.path(), m_path).string());
    std::sort(out.begin(), out.end());
    return out;
}

namespace {
std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}
std::string slurp(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
} // namespace

RunResult run_vigia(const std::vector<std::string>& args) {
    return run_program(VIGIA_BIN, args);
}

RunResult run_program(const std::string& program, const std::vector<std::string>& args) {
    TempDir tmp;
    std::string cmd = quote(program);
    for (const auto& a : args)
        cmd += " " + quote(a);
    cmd += " >" + quote((tmp / "out").string()) + " 2>" + quote((tmp / "err").string()) +
           " </dev/null";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(tmp / "out");
    r.err = slurp(tmp / "err");
    return r;
}

fs::path fixture(const std::string& name) {
    return fs::path{VIGIA_TEST_DATA} / name;
}
fs::path repo_data(const std::string& name) {
    return fs::path{VIGIA_SOURCE_DIR} / "data" / name;
}

GDALDatasetUniquePtr open_read(const fs::path& path) {
    io::register_gdal();
    GDALDatasetUniquePtr ds{GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              nullptr, nullptr, nullptr)};
    if (!ds) ADD_FAILURE() << "cannot open " << path;
    return ds;
}

double sum_field(GDALDataset& ds, const std::string& layer, const std::string& field) {
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return 0;
    }
    const int i = l->GetLayerDefn()->GetFieldIndex(field.c_str());
    if (i < 0) {
        ADD_FAILURE() << "no field " << field << " in " << layer;
        return 0;
    }
    double s = 0;
    l->ResetReading();
    for (auto& f : *l)
        s += f->GetFieldAsDouble(i);
    return s;
}

std::map<std::string, std::string> run_info(GDALDataset& ds) {
    std::map<std::string, std::string> out;
    OGRLayer* l = ds.GetLayerByName("run_info");
    if (!l) {
        ADD_FAILURE() << "no run_info table";
        return out;
    }
    l->ResetReading();
    for (auto& f : *l)
        out[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    return out;
}

std::vector<std::string> layer_names(GDALDataset& ds) {
    std::vector<std::string> out;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        out.push_back(ds.GetLayer(i)->GetName());
    return out;
}

std::vector<std::string> field_names(GDALDataset& ds, const std::string& layer) {
    std::vector<std::string> out;
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return out;
    }
    OGRFeatureDefn* d = l->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
        out.push_back(d->GetFieldDefn(i)->GetNameRef());
    return out;
}

Rgb Image::at(double x, double y) const {
    const auto i = static_cast<std::size_t>(std::floor(y)) * static_cast<std::size_t>(width) +
                   static_cast<std::size_t>(std::floor(x));
    return {band[0][i], band[1][i], band[2][i]};
}

Image read_png(const fs::path& path) {
    io::register_gdal();
    GDALDatasetUniquePtr ds{GDALDataset::Open(path.c_str(), GDAL_OF_RASTER)};
    Image img;
    if (!ds) {
        ADD_FAILURE() << "cannot open " << path;
        return img;
    }
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "PNG");
    EXPECT_GE(ds->GetRasterCount(), 3);
    img.width = ds->GetRasterXSize();
    img.height = ds->GetRasterYSize();
    for (int b = 0; b < 3 && b < ds->GetRasterCount(); ++b) {
        img.band[b].resize(static_cast<std::size_t>(img.width) *
                           static_cast<std::size_t>(img.height));
        EXPECT_EQ(ds->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, img.width, img.height,
                                                     img.band[b].data(), img.width, img.height,
                                                     GDT_Byte, 0, 0),
                  CE_None);
    }
    return img;
}

} // namespace vigia::test
