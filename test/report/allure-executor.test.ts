/** executor.json from the common CI variables; none outside CI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allureExecutor } from '../../src/report/allure-executor.ts';

test('GitHub Actions: name, build number and the run URL', () => {
  const e = allureExecutor({
    GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/qa', GITHUB_RUN_ID: '9876', FTCHAOS_REPORT_URL: 'https://qa.example/report/',
  });
  assert.deepEqual(e, {
    name: 'GitHub Actions', type: 'github', url: 'https://github.com/acme/qa/actions/runs/9876', buildUrl: 'https://github.com/acme/qa/actions/runs/9876',
    buildOrder: 9876, buildName: 'GitHub Actions #9876', reportName: 'ftchaos', reportUrl: 'https://qa.example/report/',
  });
});

test('GitLab and Jenkins', () => {
  const gl = allureExecutor({ GITLAB_CI: 'true', CI_JOB_ID: '77', CI_JOB_URL: 'https://gitlab.example/qa/-/jobs/77' });
  assert.equal(gl?.type, 'gitlab');
  assert.equal(gl?.buildOrder, 77);
  assert.equal(gl?.buildUrl, 'https://gitlab.example/qa/-/jobs/77');
  const j = allureExecutor({ JENKINS_URL: 'http://ci/', BUILD_URL: 'http://ci/job/qa/5/', BUILD_NUMBER: '5' });
  assert.equal(j?.type, 'jenkins');
  assert.equal(j?.buildName, 'Jenkins #5');
});

test('outside CI there is no executor', () => {
  assert.equal(allureExecutor({ HOME: '/root', PATH: '/usr/bin' }), null);
});
