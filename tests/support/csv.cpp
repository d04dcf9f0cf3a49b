#include "tests/support/csv.hpp"

#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace vigia::test {

namespace {
std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}
} // namespace

Csv::Csv(const std::filesystem::path& path) : m_path{path} {
    std::ifstream in{path};
    if (!in) throw std::runtime_error{"cannot read " + path.string()};
    std::string line;
    std::getline(in, line);
    const auto header = split(line);
    for (std::size_t i = 0; i < header.size(); ++i)
        m_index[header[i]] = i;
    while (std::getline(in, line))
        if (!line.empty()) m_rows.push_back(split(line));
}

const std::string& Csv::text(std::size_t row, const std::string& column) const {
    const auto it = m_index.find(column);
    if (it == m_index.end()) throw std::runtime_error{m_path.string() + ": no column " + column};
    return m_rows.at(row).at(it->second);
}

double Csv::number(std::size_t row, const std::string& column) const {
    const std::string& t = text(row, column);
    if (t == "NaN" || t == "NA") return std::numeric_limits<double>::quiet_NaN();
    if (t == "Inf") return std::numeric_limits<double>::infinity();
    if (t == "-Inf") return -std::numeric_limits<double>::infinity();
    return std::strtod(t.c_str(), nullptr);
}

std::vector<double> Csv::column(const std::string& column) const {
    std::vector<double> out;
    for (std::size_t r = 0; r < rows(); ++r)
        out.push_back(number(r, column));
    return out;
}

std::vector<std::size_t> Csv::where(const std::string& column, const std::string& value) const {
    std::vector<std::size_t> out;
    for (std::size_t r = 0; r < rows(); ++r)
        if (text(r, column) == value) out.push_back(r);
    return out;
}

std::vector<std::vector<std::int32_t>> neighbour_lists(const std::filesystem::path& path,
                                                       std::size_t n) {
    const Csv csv{path};
    std::vector<std::vector<std::int32_t>> out(n);
    for (std::size_t r = 0; r < csv.rows(); ++r)
        out.at(static_cast<std::size_t>(csv.number(r, "i")) - 1)
            .push_back(static_cast<std::int32_t>(csv.number(r, "j")) - 1);
    return out;
}

std::filesystem::path reference(const std::string& name) {
    return std::filesystem::path{VIGIA_SOURCE_DIR} / "tests" / "reference" / name;
}

} // namespace vigia::test
