#pragma once
/// \file
/// A small reader for the reference fixtures' CSV files (header row, quoted fields allowed,
/// numbers as written by R at full precision, NaN as "NaN").

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vigia::test {

class Csv {
public:
    explicit Csv(const std::filesystem::path& path);
    std::size_t rows() const noexcept { return m_rows.size(); }
    const std::string& text(std::size_t row, const std::string& column) const;
    double number(std::size_t row, const std::string& column) const;
    std::vector<double> column(const std::string& column) const;
    /// Rows whose `column` equals `value`.
    std::vector<std::size_t> where(const std::string& column, const std::string& value) const;

private:
    std::filesystem::path m_path;
    std::map<std::string, std::size_t> m_index;
    std::vector<std::vector<std::string>> m_rows;
};

/// Neighbour lists from an i,j pairs file (1-based), as 0-based lists over n features.
std::vector<std::vector<std::int32_t>> neighbour_lists(const std::filesystem::path& path,
                                                       std::size_t n);

/// Path of a file in tests/reference.
std::filesystem::path reference(const std::string& name);

} // namespace vigia::test
