//! Small inline SVG charts for the HTML report, written by hand: horizontal bars and line series.
//! Hand-written rather than plotters because the labels are mostly CJK text of unknown width
//! (plotters' font-less text measuring guesses Latin widths) and every label must go through one
//! escaping function; the output is plain, dependency-free SVG that works offline.

use std::fmt::Write;

/// Escapes text for HTML and SVG (element content and quoted attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One bar: label, value, colour, and the text printed after the bar.
pub struct Bar {
    /// Label left of the bar (data text: escaped here).
    pub label: String,
    /// Length of the bar.
    pub value: f64,
    /// CSS colour.
    pub color: &'static str,
    /// Shown right of the bar (e.g. "123 (4.5%)").
    pub note: String,
}

/// Rough display width of a label in pixels at 12px: CJK and other wide characters count double.
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 12.0 } else { 7.0 }).sum()
}

/// A horizontal bar chart with one row per bar.
pub fn hbars(title: &str, bars: &[Bar]) -> String {
    let row = 22.0;
    let label_w = bars.iter().map(|b| text_width(&b.label)).fold(60.0f64, f64::max).min(220.0) + 10.0;
    let note_w = bars.iter().map(|b| text_width(&b.note)).fold(40.0f64, f64::max) + 10.0;
    let plot_w = 360.0;
    let width = label_w + plot_w + note_w;
    let height = 30.0 + row * bars.len().max(1) as f64 + 6.0;
    let max = bars.iter().map(|b| b.value).fold(0.0f64, f64::max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="sans-serif" font-size="12"><title>{t}</title><text x="0" y="16" font-weight="bold" font-size="14">{t}</text>"#,
        t = esc(title)
    );
    if bars.is_empty() {
        let _ = write!(s, r##"<text x="0" y="44" fill="#666">none</text>"##);
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 30.0 + row * i as f64;
        let w = if max > 0.0 { (b.value / max * plot_w).max(if b.value > 0.0 { 1.0 } else { 0.0 }) } else { 0.0 };
        let label = shorten(&b.label, 30);
        let _ = write!(
            s,
            r##"<text x="{lx:.1}" y="{ty:.1}" text-anchor="end">{l}</text><rect x="{label_w:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{c}"><title>{full}: {n}</title></rect><text x="{nx:.1}" y="{ty:.1}" fill="#333">{n}</text>"##,
            lx = label_w - 6.0,
            ty = y + 14.0,
            l = esc(&label),
            h = row - 6.0,
            c = b.color,
            full = esc(&b.label),
            n = esc(&b.note),
            nx = label_w + w + 5.0,
        );
    }
    s.push_str("</svg>");
    s
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A line series: name, colour, one value per x label.
pub struct Series {
    /// Legend name.
    pub name: String,
    /// CSS colour.
    pub color: &'static str,
    /// Values, one per x position.
    pub values: Vec<f64>,
}

/// A line chart over labelled x positions (e.g. days), with a legend and a y axis in `y_unit`.
pub fn lines(title: &str, x_labels: &[String], series: &[Series], y_unit: &str) -> String {
    let (left, right, top, bottom) = (50.0, 50.0, 46.0, 40.0);
    let (plot_w, plot_h) = (640.0, 220.0);
    let (width, height) = (left + plot_w + right, top + plot_h + bottom);
    let max = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0f64, f64::max);
    let max = if max <= 0.0 { 1.0 } else { nice_ceiling(max) };
    let n = x_labels.len();
    let x = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="sans-serif" font-size="11"><title>{t}</title><text x="0" y="16" font-weight="bold" font-size="14">{t}</text>"#,
        t = esc(title)
    );
    // Legend.
    let mut lx = left;
    for se in series {
        let _ = write!(
            s,
            r#"<rect x="{lx:.1}" y="26" width="12" height="8" fill="{}"/><text x="{:.1}" y="34">{}</text>"#,
            se.color,
            lx + 16.0,
            esc(&se.name)
        );
        lx += 26.0 + text_width(&se.name);
    }
    // Axes and grid.
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}{}</text>"##,
            left + plot_w,
            left - 4.0,
            yy + 4.0,
            fmt_num(v),
            esc(y_unit)
        );
    }
    let every = n.div_ceil(8).max(1);
    for (i, l) in x_labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text>"##,
                x(i),
                top + plot_h + 16.0,
                esc(l)
            );
        }
    }
    for se in series {
        let points: Vec<String> =
            se.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            se.color,
            points.join(" ")
        );
        for (i, v) in se.values.iter().enumerate() {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>"#,
                x(i),
                y(*v),
                se.color,
                esc(&x_labels[i]),
                esc(&se.name),
                fmt_num(*v)
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn nice_ceiling(v: f64) -> f64 {
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * mag {
            return m * mag;
        }
    }
    10.0 * mag
}

fn fmt_num(v: f64) -> String {
    if v == v.round() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}").trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let bar = Bar {
            label: "<script>alert(1)</script>".into(),
            value: 1.0,
            color: "#000",
            note: "<img src=x onerror=alert(1)>".into(),
        };
        let svg = hbars("t<", &[bar]);
        assert!(!svg.contains("<script>") && !svg.contains("<img"));
        assert!(svg.contains("&lt;script&gt;"));
    }
}
