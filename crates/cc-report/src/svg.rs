//! SVG figures drawn with plotters' SVG backend (no fonts needed, deterministic output).

use plotters::prelude::*;

use crate::ReportError;

/// One named series of (x, y) points.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) label: String,
    pub(crate) points: Vec<(f64, f64)>,
    /// Draw markers at the points (measured data) rather than a plain line (theory).
    pub(crate) markers: bool,
}

/// A line chart specification.
#[derive(Debug, Clone)]
pub(crate) struct LineChart {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) y_label: String,
    pub(crate) log_x: bool,
    pub(crate) series: Vec<Series>,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

fn bounds(series: &[Series]) -> (f64, f64, f64, f64) {
    let mut xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let mut ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let first_x = xs.next().unwrap_or(0.0);
    let first_y = ys.next().unwrap_or(0.0);
    let (mut x0, mut x1) = (first_x, first_x);
    let (mut y0, mut y1) = (first_y, first_y);
    for x in xs {
        x0 = x0.min(x);
        x1 = x1.max(x);
    }
    for y in ys {
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    (x0, x1, y0.min(0.0), y1 * 1.08)
}

impl LineChart {
    /// Renders the chart as an SVG document.
    pub(crate) fn render(&self, page: &'static str, file: &str) -> Result<String, ReportError> {
        let err = |e: &dyn std::fmt::Display| ReportError::Figure {
            page,
            figure: file.to_string(),
            message: e.to_string(),
        };
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (720, 420)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(&e))?;
            let (x0, x1, y0, y1) = bounds(&self.series);
            let mut builder = ChartBuilder::on(&root);
            builder
                .caption(&self.title, ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(55);
            macro_rules! draw {
                ($chart:expr) => {{
                    let mut chart = $chart;
                    chart
                        .configure_mesh()
                        .x_desc(self.x_label.as_str())
                        .y_desc(self.y_label.as_str())
                        .draw()
                        .map_err(|e| err(&e))?;
                    for (i, s) in self.series.iter().enumerate() {
                        let color = PALETTE[i % PALETTE.len()];
                        chart
                            .draw_series(LineSeries::new(
                                s.points.iter().copied(),
                                color.stroke_width(2),
                            ))
                            .map_err(|e| err(&e))?
                            .label(s.label.as_str())
                            .legend(move |(x, y)| {
                                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                            });
                        if s.markers {
                            chart
                                .draw_series(
                                    s.points.iter().map(|&p| Circle::new(p, 3, color.filled())),
                                )
                                .map_err(|e| err(&e))?;
                        }
                    }
                    chart
                        .configure_series_labels()
                        .position(SeriesLabelPosition::UpperLeft)
                        .background_style(WHITE.mix(0.85))
                        .border_style(BLACK)
                        .draw()
                        .map_err(|e| err(&e))?;
                }};
            }
            if self.log_x {
                draw!(
                    builder
                        .build_cartesian_2d((x0..x1).log_scale(), y0..y1)
                        .map_err(|e| err(&e))?
                );
            } else {
                draw!(
                    builder
                        .build_cartesian_2d(x0..x1, y0..y1)
                        .map_err(|e| err(&e))?
                );
            }
            root.present().map_err(|e| err(&e))?;
        }
        Ok(out)
    }
}
