//! Gathering a report's data: the assessment and its scope, coverage under
//! that scope, the SoA document fields, the evidence the listed requirements
//! rest on, and a fresh verification. Nothing here draws.
use super::{ReportData, ReportProgress, ReportRequest};
use crate::assessment::Assessment;
use crate::coverage::{FrameworkCoverage, Options};
use crate::error::Result;
use crate::model::*;
use crate::verify::VerifyReport;
use crate::workspace::Workspace;
use std::collections::{BTreeMap, BTreeSet, HashMap};

impl Workspace {
    /// Everything a report on `request` shows, gathered before drawing.
    pub fn report_data(
        &self,
        request: &ReportRequest,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> Result<ReportData> {
        let assessment = request
            .assessment_id
            .map(|id| self.assessment(id))
            .transpose()?;
        let (frameworks, options) = self.report_scope(request, assessment.as_ref())?;
        let coverage = self.coverage_with(&frameworks, &options)?;
        let soa = self.report_soa_documents(&coverage)?;
        let requirements = self
            .requirements("")?
            .into_iter()
            .map(|r| ((r.framework_id.clone(), r.reference.clone()), r))
            .collect();
        let controls: BTreeMap<String, Control> = self
            .controls()?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let evidence = self.cited_evidence(&coverage)?;
        let verify = self.verify_for_report(progress)?;
        let organisation = match &assessment {
            Some(a) => a.organisation.clone(),
            None => self.organisation()?,
        };
        Ok(ReportData {
            organisation,
            assessment,
            period: options.period,
            generated_at: crate::now(),
            generated_by: self.actor().to_string(),
            coverage,
            requirements,
            controls,
            evidence,
            verify,
            recent_events: self.log(25, None)?,
            kind: options.kind,
            soa,
            key_fingerprint: self.key_info_if_any()?.map(|k| k.fingerprint),
        })
    }

    /// The frameworks and coverage options: the request's, else the
    /// assessment's; a period in the request overrides the assessment's.
    fn report_scope(
        &self,
        request: &ReportRequest,
        assessment: Option<&Assessment>,
    ) -> Result<(Vec<String>, Options)> {
        let mut options = self.scope_options(assessment)?;
        let mut frameworks = request.frameworks.clone();
        if let Some(a) = assessment {
            if frameworks.is_empty() {
                frameworks = a.frameworks.clone();
            }
        }
        if request.period.is_some() {
            options.period = request.period;
        }
        Ok((frameworks, options))
    }

    /// The SoA document-control fields of each reported framework with an SoA.
    fn report_soa_documents(
        &self,
        coverage: &[FrameworkCoverage],
    ) -> Result<HashMap<String, crate::applicability::SoaDocument>> {
        let mut soa = HashMap::new();
        for f in coverage
            .iter()
            .filter(|f| f.framework.id == "iso27001-2022")
        {
            soa.insert(f.framework.id.clone(), self.soa_document(&f.framework.id)?);
        }
        Ok(soa)
    }

    /// The evidence the report relies on: everything behind a listed requirement.
    fn cited_evidence(&self, coverage: &[FrameworkCoverage]) -> Result<Vec<Evidence>> {
        let mut cited: BTreeSet<i64> = BTreeSet::new();
        for f in coverage {
            for r in &f.requirements {
                for c in &r.controls {
                    cited.extend(c.current_evidence.iter().chain(&c.expired_evidence));
                }
            }
        }
        Ok(self
            .evidence_list(None)?
            .into_iter()
            .filter(|e| cited.contains(&e.id))
            .collect())
    }

    /// A fresh verification, reported as 20–55% of the report's progress.
    fn verify_for_report(&self, progress: &mut dyn FnMut(ReportProgress)) -> Result<VerifyReport> {
        progress(ReportProgress {
            phase: "verifying evidence",
            percent: 20,
        });
        self.verify(&mut |p| {
            if p.total > 0 {
                progress(ReportProgress {
                    phase: "verifying evidence",
                    percent: (20 + 35 * p.done / p.total.max(1)).min(55) as u8,
                })
            }
        })
    }
}
