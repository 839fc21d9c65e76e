import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles/app.css';
import { createRouter } from './routes';
import { SessionProvider } from './session/session-provider';

// What NHS.UK frontend's page template does with an inline script, which our content security policy forbids.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={createRouter()} />
    </SessionProvider>
  </StrictMode>,
);
