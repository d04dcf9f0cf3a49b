#include "engine/progress.hpp"

#include <algorithm>

namespace vigia::engine {

void Progress::begin(const std::string& label) {
    if (m_quiet) return;
    std::fprintf(m_out, "%s ", label.c_str());
    std::fflush(m_out);
    m_ticks = -1;
}

void Progress::update(double fraction) {
    if (m_quiet) return;
    const int target = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 40.0);
    while (m_ticks < target) {
        ++m_ticks;
        if (m_ticks % 4 == 0)
            std::fprintf(m_out, "%d", m_ticks / 4 * 10);
        else
            std::fputc('.', m_out);
    }
    std::fflush(m_out);
}

void Progress::end() {
    if (m_quiet) return;
    update(1.0);
    std::fputs(" - done.\n", m_out);
    std::fflush(m_out);
}

} // namespace vigia::engine
