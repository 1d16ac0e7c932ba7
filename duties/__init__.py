"""Recurring duties and reports: 两天必见面, scheduled duties, daily digest, weekly summary."""
