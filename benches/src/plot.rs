//! The throughput plot (PNG): GB/s against n on a log axis, one panel per precision (f64,
//! f32), aligned contiguous data, one line per contender.
//!
//! Text is drawn with plotters' pure-Rust `ab_glyph` renderer from a TrueType file read at
//! run time — no fontconfig or freetype involved. The font is the first of `PDOT_PLOT_FONT`
//! and the usual DejaVu / Liberation paths that exists (Debian: `fonts-dejavu-core`).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::report::CaseResult;
use crate::runner::{Contender, Layout};
use pdot_kernels::Precision;

/// The environment variable naming a `.ttf` file for the plot's text.
pub const FONT_VAR: &str = "PDOT_PLOT_FONT";

/// Fonts tried after `PDOT_PLOT_FONT`.
const FONT_PATHS: [&str; 5] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
];

/// The family name the plot asks plotters for.
const FAMILY: &str = "sans-serif";

/// Reads and registers the font once per process.
fn ensure_font() -> Result<(), String> {
    static FONT: OnceLock<Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let candidates: Vec<PathBuf> = std::env::var_os(FONT_VAR)
            .map(PathBuf::from)
            .into_iter()
            .chain(FONT_PATHS.iter().map(PathBuf::from))
            .collect();
        let path = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
            format!(
                "no TrueType font found for the plot (tried {FONT_VAR} and {}); \
                 install fonts-dejavu-core or set {FONT_VAR}=/path/to/font.ttf",
                FONT_PATHS.join(", ")
            )
        })?;
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // plotters keeps registered fonts for the whole process: leak the bytes once.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        register_font(FAMILY, FontStyle::Normal, bytes)
            .map_err(|_| format!("{}: not a usable TrueType font", path.display()))
    })
    .clone()
}

/// The colour of each contender's line.
fn color(contender: Contender) -> RGBColor {
    match contender {
        Contender::PdotFast => RGBColor(0x1f, 0x77, 0xb4),
        Contender::PdotCompensated => RGBColor(0x2c, 0xa0, 0x2c),
        Contender::PdotExact => RGBColor(0x94, 0x67, 0xbd),
        Contender::OpenBlas => RGBColor(0xd6, 0x27, 0x28),
        Contender::Naive => RGBColor(0x7f, 0x7f, 0x7f),
    }
}

/// Draws one precision's panel.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    precision: Precision,
    cases: &[&CaseResult],
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let n_min = cases.iter().map(|c| c.n).min().unwrap_or(1) as f64;
    let n_max = cases.iter().map(|c| c.n).max().unwrap_or(10) as f64;
    let (n_min, n_max) = if n_max > n_min {
        (n_min, n_max)
    } else {
        (n_min / 2.0, n_max * 2.0)
    };
    let y_max = cases
        .iter()
        .flat_map(|c| Contender::ALL.map(|k| c.gbps(k).unwrap_or(0.0)))
        .fold(1.0f64, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{}, 64-byte aligned, inc 1", precision.name()),
            (FAMILY, 22),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d((n_min / 1.3..n_max * 1.3).log_scale(), 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("n (elements per vector)")
        .y_desc("GB/s (2·n·element size / time)")
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style((FAMILY, 15))
        .axis_desc_style((FAMILY, 16))
        .draw()?;
    for contender in Contender::ALL {
        let points: Vec<(f64, f64)> = cases
            .iter()
            .filter_map(|c| c.gbps(contender).map(|g| (c.n as f64, g)))
            .collect();
        if points.is_empty() {
            continue;
        }
        let style = color(contender);
        chart
            .draw_series(LineSeries::new(points.clone(), style.stroke_width(2)))?
            .label(contender.label())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], style.stroke_width(2)));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, style.filled())))?;
    }
    chart
        .configure_series_labels()
        .label_font((FAMILY, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    Ok(())
}

/// Writes the throughput plot of the aligned, contiguous cases of `cases` to `path` (PNG),
/// with `title` on top.
///
/// # Errors
/// If no font can be found (see the module docs), or drawing or writing the file fails.
pub fn throughput_png(
    path: &Path,
    title: &str,
    cases: &[CaseResult],
) -> Result<(), Box<dyn Error>> {
    ensure_font()?;
    let root = BitMapBackend::new(path, (1500, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, (FAMILY, 26))?;
    let contiguous = Layout::STANDARD[0];
    for (area, precision) in root
        .split_evenly((1, 2))
        .iter()
        .zip([Precision::F64, Precision::F32])
    {
        let mine: Vec<&CaseResult> = cases
            .iter()
            .filter(|c| c.precision == precision && c.layout == contiguous)
            .collect();
        if !mine.is_empty() {
            panel(area, precision, &mine)?;
        }
    }
    root.present()?;
    Ok(())
}
