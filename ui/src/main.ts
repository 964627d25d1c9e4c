import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { initTheme } from './lib/theme.svelte';

// Anything the Content Security Policy blocks is recorded here; the
// end-to-end suite asserts that nothing is.
const cspViolations: string[] = [];
(window as unknown as { __cspViolations: string[] }).__cspViolations = cspViolations;
document.addEventListener('securitypolicyviolation', (e) => cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));

initTheme();
const app = mount(App, { target: document.getElementById('app')! });

export default app;
