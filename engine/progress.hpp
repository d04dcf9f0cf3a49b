#pragma once
/// \file
/// Progress on stderr in GDAL's convention ("0...10...20...30...40...50...60...70...80...90
/// ...100 - done."), one line per long step, silent when quiet.

#include <cstdio>
#include <string>

namespace vigia::engine {

class Progress {
public:
    explicit Progress(bool quiet, std::FILE* out = stderr) : m_quiet{quiet}, m_out{out} {}
    /// Starts a step: prints its label.
    void begin(const std::string& label);
    /// Fraction of the current step done, in [0, 1]; prints the ticks passed since last call.
    void update(double fraction);
    /// Ends the current step (prints the remaining ticks and "done").
    void end();
    bool quiet() const noexcept { return m_quiet; }

private:
    bool m_quiet;
    std::FILE* m_out;
    int m_ticks = -1; ///< ticks (of 40, as GDAL's term progress) printed in this step
};

} // namespace vigia::engine
