//! d3-geo's `geoAlbersUsa` for points: the lower 48 states in an Albers equal-area conic, with
//! Alaska and Hawaii moved into insets, fitted to the 960 × 500 drawing of `us-map.svg`
//! (both made by `ui/scripts/site-map.mjs`, which prints the fitted scale and translation
//! below). A point outside the three areas is not on the map.

use std::f64::consts::PI;

/// The fitted scale and translation (`projection.scale()`, `projection.translate()`).
const SCALE: f64 = 1042.4444251929872;
const TRANSLATE: (f64, f64) = (510.30077437390287, 246.17269701549972);
const EPSILON: f64 = 1e-6;

/// One conic equal-area projection: its rotation and centre in degrees, standard parallels,
/// scale and translation (d3's `geoConicEqualArea()` with those settings).
struct Conic {
    rotate: f64,
    center: (f64, f64),
    parallels: (f64, f64),
    scale: f64,
    translate: (f64, f64),
    /// The inset's box on the drawing: points outside it are not this projection's.
    clip: ((f64, f64), (f64, f64)),
}

impl Conic {
    fn raw(&self, lambda: f64, phi: f64) -> (f64, f64) {
        let (y0, y1) = (self.parallels.0.to_radians(), self.parallels.1.to_radians());
        let sy0 = y0.sin();
        let n = (sy0 + y1.sin()) / 2.0;
        let c = 1.0 + sy0 * (2.0 * n - sy0);
        let r0 = c.sqrt() / n;
        let r = (c - 2.0 * n * phi.sin()).max(0.0).sqrt() / n;
        let x = lambda * n;
        (r * x.sin(), r0 - r * x.cos())
    }

    fn project(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let mut lambda = (lon + self.rotate).to_radians();
        if lambda > PI {
            lambda -= 2.0 * PI;
        } else if lambda < -PI {
            lambda += 2.0 * PI;
        }
        let (cx, cy) = self.raw(self.center.0.to_radians(), self.center.1.to_radians());
        let (x, y) = self.raw(lambda, lat.to_radians());
        let k = self.scale;
        let point = (self.translate.0 + k * (x - cx), self.translate.1 - k * (y - cy));
        let ((x0, y0), (x1, y1)) = self.clip;
        (point.0 >= x0 && point.0 <= x1 && point.1 >= y0 && point.1 <= y1).then_some(point)
    }
}

/// Where a point falls on the drawing, or `None` when it is outside the US map.
pub fn project(lat: f64, lon: f64) -> Option<(f64, f64)> {
    let k = SCALE;
    let (x, y) = TRANSLATE;
    let lower48 = Conic {
        rotate: 96.0,
        center: (-0.6, 38.7),
        parallels: (29.5, 45.5),
        scale: k,
        translate: (x, y),
        clip: ((x - 0.455 * k, y - 0.238 * k), (x + 0.455 * k, y + 0.238 * k)),
    };
    let alaska = Conic {
        rotate: 154.0,
        center: (-2.0, 58.5),
        parallels: (55.0, 65.0),
        scale: k * 0.35,
        translate: (x - 0.307 * k, y + 0.201 * k),
        clip: ((x - 0.425 * k + EPSILON, y + 0.120 * k + EPSILON), (x - 0.214 * k - EPSILON, y + 0.234 * k - EPSILON)),
    };
    let hawaii = Conic {
        rotate: 157.0,
        center: (-3.0, 19.9),
        parallels: (8.0, 18.0),
        scale: k,
        translate: (x - 0.205 * k, y + 0.212 * k),
        clip: ((x - 0.214 * k + EPSILON, y + 0.166 * k + EPSILON), (x - 0.115 * k - EPSILON, y + 0.234 * k - EPSILON)),
    };
    lower48.project(lon, lat).or_else(|| alaska.project(lon, lat)).or_else(|| hawaii.project(lon, lat))
}

#[cfg(test)]
mod tests {
    use super::project;

    /// The places where d3-geo put them (printed by `ui/scripts/site-map.mjs`).
    #[test]
    fn points_fall_where_d3_geo_puts_them() {
        let near = |(x, y): (f64, f64), (ex, ey): (f64, f64)| (x - ex).abs() < 0.01 && (y - ey).abs() < 0.01;
        let minneapolis = project(44.9778, -93.265).unwrap();
        assert!(near(minneapolis, (553.8846697588613, 130.7035232030545)), "{minneapolis:?}");
        let norcross = project(33.9412, -84.2135).unwrap();
        assert!(near(norcross, (694.8667758251372, 322.63976658711704)), "{norcross:?}");
        let anchorage = project(61.2181, -149.9003).unwrap();
        assert!(near(anchorage, (209.41717526888394, 438.04495073529023)), "{anchorage:?}");
        let honolulu = project(21.3069, -157.8583).unwrap();
        assert!(near(honolulu, (333.45404435636084, 441.9841531360138)), "{honolulu:?}");
        assert_eq!(project(48.85, 2.35), None, "Paris is not on the US map");
    }
}
