//! Column widths from content.
//!
//! Rule: every column gets at least its minimum (its longest unbreakable
//! word plus padding), so that no identifier, date or header word breaks
//! inside; then each column moves towards the share its caller hinted
//! (`width_fraction`), but never beyond its natural width (its longest line
//! unbroken) while another column still needs room; width left once every
//! column is at its natural width goes by the hints. The widths always sum to
//! the available width. If the minimums alone exceed it, they are scaled
//! down together (the caller shrinks the font first, so this is the last
//! resort, where a word wider than any column could be is broken).
//!
//! Pure arithmetic on points, no fonts: the table module measures.

/// What one column needs, in points, padding included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Need {
    /// The widest word of the column.
    pub(crate) min: f32,
    /// The widest line of the column set without breaking.
    pub(crate) max: f32,
}

/// Widths for columns with these needs and (positive) hints, summing to `total`.
pub(crate) fn allocate(needs: &[Need], hints: &[f32], total: f32) -> Vec<f32> {
    let n = needs.len();
    if n == 0 {
        return Vec::new();
    }
    let hint_sum: f32 = hints.iter().sum::<f32>().max(f32::EPSILON);
    let share = |i: usize| hints[i] / hint_sum;
    let min_sum: f32 = needs.iter().map(|d| d.min).sum();
    if min_sum >= total {
        return needs.iter().map(|d| d.min * total / min_sum).collect();
    }
    let max_of = |d: &Need| d.max.max(d.min);
    let desired: Vec<f32> = (0..n)
        .map(|i| (share(i) * total).clamp(needs[i].min, max_of(&needs[i])))
        .collect();
    let desired_sum: f32 = desired.iter().sum();
    if desired_sum > total {
        // Too wide: give back what each column has above its minimum, evenly.
        let k = (total - min_sum) / (desired_sum - min_sum);
        return (0..n)
            .map(|i| needs[i].min + (desired[i] - needs[i].min) * k)
            .collect();
    }
    let extra = total - desired_sum;
    let room: Vec<f32> = (0..n).map(|i| max_of(&needs[i]) - desired[i]).collect();
    let room_sum: f32 = room.iter().sum();
    if extra <= room_sum && room_sum > 0.0 {
        let k = extra / room_sum;
        return (0..n).map(|i| desired[i] + room[i] * k).collect();
    }
    // Every column is at its natural width: the rest follows the hints.
    let rest = extra - room_sum;
    (0..n)
        .map(|i| max_of(&needs[i]) + rest * share(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(min: f32, max: f32) -> Need {
        Need { min, max }
    }

    fn sum(v: &[f32]) -> f32 {
        v.iter().sum()
    }

    #[test]
    fn widths_always_fill_the_table() {
        let cases: Vec<(Vec<Need>, Vec<f32>)> = vec![
            (vec![need(10.0, 20.0), need(10.0, 400.0)], vec![1.0, 1.0]),
            (vec![need(300.0, 300.0), need(300.0, 300.0)], vec![1.0, 3.0]),
            (vec![need(5.0, 6.0), need(5.0, 7.0)], vec![2.0, 1.0]),
            (
                vec![need(50.0, 900.0); 7],
                vec![0.5, 2.0, 1.0, 1.0, 1.0, 0.8, 3.0],
            ),
        ];
        for (needs, hints) in cases {
            let w = allocate(&needs, &hints, 480.0);
            assert!((sum(&w) - 480.0).abs() < 0.01, "{needs:?} {hints:?}: {w:?}");
        }
    }

    #[test]
    fn no_column_is_narrower_than_its_longest_word_when_they_fit() {
        // A narrow hint on a column of long ids (an 8 % share is 38 pt) must
        // not squeeze it below its 70 pt word.
        let needs = [need(70.0, 75.0), need(40.0, 900.0), need(60.0, 61.0)];
        let w = allocate(&needs, &[0.08, 0.8, 0.12], 480.0);
        for (wi, n) in w.iter().zip(&needs) {
            assert!(*wi + 1e-3 >= n.min, "{w:?}");
        }
        // The long-text column takes what the others do not need.
        assert!(w[1] > 300.0, "{w:?}");
    }

    #[test]
    fn hints_decide_between_columns_that_both_want_more() {
        let needs = [need(20.0, 1000.0), need(20.0, 1000.0)];
        let w = allocate(&needs, &[1.0, 3.0], 400.0);
        assert!(
            (w[0] - 100.0).abs() < 0.01 && (w[1] - 300.0).abs() < 0.01,
            "{w:?}"
        );
    }

    #[test]
    fn short_columns_get_their_natural_width_and_no_more_than_needed_first() {
        // Column 0 only ever needs 30 pt; its big hint does not waste width
        // while column 1 still wraps.
        let needs = [need(20.0, 30.0), need(20.0, 600.0)];
        let w = allocate(&needs, &[3.0, 1.0], 400.0);
        assert!((w[0] - 30.0).abs() < 0.01, "{w:?}");
        assert!((w[1] - 370.0).abs() < 0.01, "{w:?}");
        // Everything fits unbroken: the rest follows the hints.
        let w = allocate(&[need(10.0, 40.0), need(10.0, 60.0)], &[1.0, 1.0], 400.0);
        assert!(
            (w[0] - 190.0).abs() < 0.01 && (w[1] - 210.0).abs() < 0.01,
            "{w:?}"
        );
    }

    #[test]
    fn minimums_too_wide_are_scaled_together() {
        let w = allocate(
            &[need(300.0, 300.0), need(100.0, 100.0)],
            &[1.0, 1.0],
            200.0,
        );
        assert!(
            (w[0] - 150.0).abs() < 0.01 && (w[1] - 50.0).abs() < 0.01,
            "{w:?}"
        );
    }
}
