from celery import shared_task


@shared_task(ignore_result=True, acks_late=True)
def run_import(job_id):
    """Check and apply an uploaded list file (see services.import_job_run)."""
    from .services import import_job_run

    import_job_run(job_id=job_id)
