import { createBrowserRouter } from 'react-router';
import { Layout } from './components/layout';
import { RequireSession } from './components/require-session';
import { BookPage } from './pages/clinics/book-page';
import { ClinicPage } from './pages/clinics/clinic-page';
import { ClinicsPage } from './pages/clinics/clinics-page';
import { HomePage } from './pages/home-page';
import { NotFoundPage } from './pages/not-found-page';
import { PtlPage } from './pages/ptl/ptl-page';
import { ProblemPage } from './pages/problem-page';
import { ImportPage } from './pages/referrals/import-page';
import { ReferralPage } from './pages/referrals/referral-page';
import { WorklistPage } from './pages/referrals/worklist-page';
import { SignInPage } from './pages/sign-in-page';

/** Client-side routes. The server answers any other GET outside the API with index.html, so deep links work. */
export function createRouter() {
  return createBrowserRouter([
    {
      path: '/',
      element: <Layout />,
      children: [
        {
          // A page that fails to render shows the problem page inside the usual header and footer.
          errorElement: <ProblemPage />,
          children: [
            { path: 'sign-in', element: <SignInPage /> },
            {
              element: <RequireSession />,
              children: [
                { index: true, element: <HomePage /> },
                { path: 'ptl', element: <PtlPage /> },
                { path: 'referrals', element: <WorklistPage /> },
                { path: 'referrals/import', element: <ImportPage /> },
                { path: 'referrals/:id', element: <ReferralPage /> },
                { path: 'clinics', element: <ClinicsPage /> },
                { path: 'clinics/:id', element: <ClinicPage /> },
                { path: 'slots/:id/book', element: <BookPage /> },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
