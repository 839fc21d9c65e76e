import { createBrowserRouter } from 'react-router';
import { Layout } from './components/layout';
import { RequireSession } from './components/require-session';
import { AccessPolicyPage } from './pages/access-policy/access-policy-page';
import { AllocationPage } from './pages/allocation/allocation-page';
import { BookPage } from './pages/clinics/book-page';
import { CancelSessionPage } from './pages/clinics/cancel-session-page';
import { ChangeClinicPage } from './pages/clinics/change-clinic-page';
import { ClinicChangesPage, DecideChangePage } from './pages/clinics/clinic-changes-page';
import { ClinicPage } from './pages/clinics/clinic-page';
import { ClinicsPage } from './pages/clinics/clinics-page';
import { NewClinicPage } from './pages/clinics/new-clinic-page';
import { HomePage } from './pages/home-page';
import { MessagePage } from './pages/messages/message-page';
import { MessagesPage } from './pages/messages/messages-page';
import { NotFoundPage } from './pages/not-found-page';
import { PrintBatchPage } from './pages/print-batches/print-batch-page';
import { PrintBatchesPage } from './pages/print-batches/print-batches-page';
import { WeeklyPackPage } from './pages/reports/weekly-pack-page';
import { PtlPage } from './pages/ptl/ptl-page';
import { ProblemPage } from './pages/problem-page';
import { ImportPage } from './pages/referrals/import-page';
import { ReferralPage } from './pages/referrals/referral-page';
import { WorklistPage } from './pages/referrals/worklist-page';
import { SignInPage } from './pages/sign-in-page';
import { TaskPage } from './pages/tasks/task-page';
import { TasksPage } from './pages/tasks/tasks-page';
import { PatientPage } from './pages/patients/patient-page';
import { PathwayPage } from './pages/patients/pathway-page';
import { FindSlotPage } from './pages/booking/find-slot-page';
import { ReceptionPage } from './pages/reception/reception-page';
import { DashboardPage } from './pages/dashboard/dashboard-page';
import { ForecastPage } from './pages/forecast/forecast-page';
import { DataExchangePage } from './pages/data-exchange/data-exchange-page';

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
                // The router ranks this static path above clinics/:id, so "new" is never read as an id.
                { path: 'clinics/new', element: <NewClinicPage /> },
                { path: 'clinics/:id', element: <ClinicPage /> },
                { path: 'clinics/:id/change', element: <ChangeClinicPage /> },
                { path: 'clinics/:id/cancel', element: <CancelSessionPage /> },
                { path: 'clinic-changes', element: <ClinicChangesPage /> },
                { path: 'clinic-changes/:id', element: <DecideChangePage /> },
                { path: 'slots/:id/book', element: <BookPage /> },
                { path: 'allocation', element: <AllocationPage /> },
                { path: 'tasks', element: <TasksPage /> },
                { path: 'tasks/:id', element: <TaskPage /> },
                { path: 'messages', element: <MessagesPage /> },
                { path: 'messages/:id', element: <MessagePage /> },
                { path: 'print-batches', element: <PrintBatchesPage /> },
                { path: 'reports/weekly', element: <WeeklyPackPage /> },
                { path: 'print-batches/:id', element: <PrintBatchPage /> },
                { path: 'access-policy', element: <AccessPolicyPage /> },
                { path: 'patients/:id', element: <PatientPage /> },
                { path: 'pathways/:id', element: <PathwayPage /> },
                { path: 'pathways/:id/book', element: <FindSlotPage /> },
                { path: 'reception', element: <ReceptionPage /> },
                { path: 'dashboard', element: <DashboardPage /> },
                { path: 'forecast', element: <ForecastPage /> },
                { path: 'data-exchange', element: <DataExchangePage /> },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
